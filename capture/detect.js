// Accept detection from the agreement's point of view. Needs `lib` and `consent`.
// Defines `detect`: detect.run(child) -> {candidates, sentences, submits}.
const detect = (() => {
  const { norm, shown, textOf, describe, isAccept, isConsentish, queryDeep, parentOf, closestDeep, TERMS } = lib;

  const BOXES = 'input[type="checkbox"], input[type="radio"], [role="checkbox"], [role="switch"], [role="radio"]';
  const BUTTONS = 'button, input[type="submit"], input[type="button"], input[type="image"], [role="button"], a[href]';
  const STRONG_BUTTON = /^(i agree|i accept|agree|accept|accept terms|accept and continue|agree and continue|agree & continue|accept & continue|i agree and continue|jag godkänner|godkänn|godkänn villkoren|godkänn och fortsätt|acceptera|acceptera och fortsätt|jag accepterar|accept( the)? (terms|agreement)|agree to( the)? terms|sign and accept|godkänn avtalet|jag godkänner (villkoren|avtalet))\.?$/i;
  const SUBMIT = /(continue|next|submit|create|sign up|register|start|finish|complete|confirm|proceed|done|save|send|accept|agree|fortsätt|nästa|skicka|skapa|registrera|starta|slutför|bekräfta|gå vidare|spara|godkänn|klar|beställ|order|activate|aktivera)/i;

  // "By clicking X you agree ..." in English and Swedish: X names the control.
  const Q = "[\"“”'‘’«»]";
  const NAMED = [
    new RegExp(`\\bby (?:clicking|selecting|pressing|tapping|choosing|hitting|checking)\\s+(?:on\\s+)?(?:the\\s+)?${Q}?([^"“”'‘’«»,.;:]{1,60}?)${Q}?\\s*(?:button|link|box|below|above)?\\s*,?\\s*(?:you|i|the customer|customer)(?:['’]re|['’]m| are| am)?\\s+(?:\\w+\\s+){0,3}?(?:agree|accept|consent|acknowledge|confirm|represent)`, "i"),
    new RegExp(`\\b(?:clicking|selecting|pressing)\\s+${Q}?([^"“”'‘’«»,.;:]{1,60}?)${Q}?\\s*(?:button)?\\s*(?:means|indicates|confirms|constitutes)`, "i"),
    new RegExp(`\\bgenom att (?:klicka|trycka|välja|bocka)\\s+(?:på|i)\\s+(?:knappen\\s+)?${Q}?([^"“”'‘’«»,.;:]{1,60}?)${Q}?\\s*(?:-?knappen|nedan|ovan)?\\s*,?\\s*(?:godkänner|accepterar|samtycker|bekräftar|intygar|medger|godtar)\\s+(?:du|ni|jag|vi)`, "i"),
    new RegExp(`\\b(?:när|om) (?:du|ni) (?:klickar|trycker) på\\s+(?:knappen\\s+)?${Q}?([^"“”'‘’«»,.;:]{1,60}?)${Q}?\\s*(?:-?knappen)?\\s*,?\\s*(?:godkänner|accepterar|samtycker|bekräftar)`, "i"),
    new RegExp(`\\bwhen you (?:click|select|press|tap)\\s+(?:on\\s+)?${Q}?([^"“”'‘’«»,.;:]{1,60}?)${Q}?\\s*(?:button)?\\s*,?\\s*you\\s+(?:\\w+\\s+){0,3}?(?:agree|accept|consent)`, "i"),
  ];
  // "By continuing you agree": the verb names the control ("Continue").
  const GERUND = [
    /\bby (continuing|proceeding|signing up|registering|creating an? (?:\w+ )?account|submitting|subscribing|placing (?:your|the|an|this) order|ordering|starting (?:your|the|a) (?:free )?trial|activating|signing in|logging in|installing|enrolling|joining|purchasing|buying)\b[^.]{0,60}?,?\s*(?:you|i)(?:['’]re|['’]m| are| am| will be)?\s+(?:\w+\s+){0,3}?(?:agree|accept|consent|acknowledge)/i,
    /\bgenom att (fortsätta|gå vidare|registrera dig|registrera|skapa (?:ett )?konto|skicka|beställa|logga in|signera|ansöka|aktivera|starta|slutföra|bekräfta)\b[^.]{0,60}?,?\s*(?:godkänner|accepterar|samtycker|bekräftar|intygar|godtar)\s+(?:du|ni|jag)/i,
  ];
  const GERUND_STEMS = {
    continuing: ["continu"], proceeding: ["proceed", "continu"], "signing up": ["sign up", "signup"],
    registering: ["regist"], submitting: ["submit"], subscribing: ["subscri"], ordering: ["order", "place order"],
    activating: ["activat"], "signing in": ["sign in"], "logging in": ["log in"], installing: ["install"],
    enrolling: ["enrol"], joining: ["join"], purchasing: ["purchas", "buy"], buying: ["buy"],
    fortsätta: ["fortsätt"], "gå vidare": ["gå vidare", "vidare"], "registrera dig": ["registrer"],
    registrera: ["registrer"], skicka: ["skicka"], beställa: ["beställ"], "logga in": ["logga in"],
    signera: ["signera"], ansöka: ["ansök", "skicka"], aktivera: ["aktiver"], starta: ["start"],
    slutföra: ["slutför"], bekräfta: ["bekräfta"],
  };
  const stemsFor = (phrase) => {
    const p = phrase.toLowerCase();
    if (GERUND_STEMS[p]) return GERUND_STEMS[p];
    if (/^creating/.test(p)) return ["create", "creat", "sign up"];
    if (/^skapa/.test(p)) return ["skapa"];
    if (/^placing/.test(p)) return ["place", "order", "buy"];
    if (/^starting/.test(p)) return ["start"];
    return [p.replace(/ing$/, "")];
  };
  const clean = (s) => norm(s).replace(/["“”'‘’«»]/g, "").replace(/[.!:;,]+$/, "").toLowerCase();

  // Text blocks short enough to be a sentence about the acceptance.
  const sentenceBlocks = () => {
    const out = [];
    for (const el of queryDeep("p, div, span, small, label, li, td, section, footer, legend")) {
      if (!shown(el)) continue;
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.data.trim());
      if (!own) continue;
      const t = textOf(el);
      if (t.length > 0 && t.length <= 800) out.push({ el, text: t });
    }
    return out;
  };

  // The nearest container of `el` (up to a few levels) holding terms links or agreement text.
  const nearTerms = (el) => {
    let node = parentOf(el);
    for (let i = 0; node && i < 5; i += 1, node = parentOf(node)) {
      if (node === document.body) break;
      const links = [...node.querySelectorAll("a[href]")].some((a) => TERMS.test(textOf(a)) || TERMS.test(a.getAttribute("href") || ""));
      if (links) return true;
      const t = textOf(node);
      if (t.length > 400 && TERMS.test(t)) return true;
      if (node.tagName === "FORM" || node.matches('[role="dialog"], dialog')) {
        return TERMS.test(t);
      }
    }
    return false;
  };

  // Page furniture: navigation, the page's own header and footer, menus.
  const SECTIONING = "main, article, section, form, dialog, [role=dialog], [role=main], aside, [role=alertdialog]";
  const furniture = (el) => {
    if (closestDeep(el, 'nav, [role="navigation"], [role="menu"], [role="menubar"], [role="contentinfo"], [role="banner"], [role="search"]')) {
      return "navigation";
    }
    for (const tag of ["footer", "header"]) {
      const part = closestDeep(el, tag);
      if (!part) continue;
      // A footer of a form, dialog or article holds its buttons; only the page's own counts.
      let inside = false;
      for (let up = parentOf(part); up && up !== document.body; up = parentOf(up)) {
        if (up.matches && up.matches(SECTIONING)) { inside = true; break; }
      }
      if (!inside) return tag;
    }
    return null;
  };

  // Modal dialogs shown now (not consent dialogs): aria-modal, <dialog> shown as modal, or a
  // fixed dialog covering most of the window.
  const openModals = (dialogs) => queryDeep('[aria-modal="true"], dialog[open], [role="dialog"], [role="alertdialog"]')
    .filter((el) => shown(el) && !dialogs.some((d) => lib.containsDeep(d, el) || lib.containsDeep(el, d)))
    .filter((el) => {
      if (el.getAttribute("aria-modal") === "true") return true;
      if (el.tagName === "DIALOG") { try { return el.matches(":modal"); } catch (e) { return false; } }
      const cs = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return cs.position === "fixed" && r.width * r.height > 0.25 * innerWidth * innerHeight;
    });

  // Buttons that would send a ticked box (tick-then-submit): a submit button, a form's
  // button, or one whose label says continue/send/create; none in furniture or consent dialogs.
  const submitButtons = (dialogs) => {
    const submits = [];
    for (const el of queryDeep(BUTTONS.replace(", a[href]", ""))) {
      if (!shown(el) || dialogs.some((d) => lib.containsDeep(d, el)) || furniture(el)) continue;
      const label = lib.buttonLabel(el);
      const type = (el.getAttribute("type") || "").toLowerCase();
      if (label.length > 60 || lib.NEGATIVE.some((re) => re.test(label))) continue;
      if (!(type === "submit" || (el.tagName === "BUTTON" && el.form && type !== "button") || SUBMIT.test(label))) continue;
      const d = describe(el);
      submits.push({ selector: d.selector, label, disabled: d.disabled, box: d.box, form: !!el.form });
    }
    return submits;
  };

  const run = (child) => {
    const dialogs = consent.roots(child);
    const inConsent = (el) => dialogs.some((d) => lib.containsDeep(d, el));

    // Sentences that name the control.
    const sentences = [];
    for (const { el, text } of sentenceBlocks()) {
      if (inConsent(el)) continue;
      for (const re of NAMED) {
        const m = text.match(re);
        if (m) sentences.push({ el, text: text.slice(0, 300), names: [clean(m[1])], exact: true });
      }
      for (const re of GERUND) {
        const m = text.match(re);
        if (m) sentences.push({ el, text: text.slice(0, 300), names: stemsFor(m[1]), exact: false });
      }
    }
    const seen = new Set();
    const uniqSentences = sentences.filter((s) => {
      const k = s.text + "|" + s.names.join(",");
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });

    const candidates = [];
    const skipped = [];
    const consider = (el, group) => {
      if (!(shown(el) || (group === "box" && lib.boxLabel(el).els.some(shown)))) return;
      const d = describe(el);
      if (!d.shown) return;
      const why = inConsent(el) ? "consent dialog" : furniture(el);
      const label = d.label;
      const named = [];
      if (group === "button") {
        const l = clean(label);
        for (const s of uniqSentences) {
          const hit = s.exact
            ? s.names.some((n) => l === n || (n.length >= 3 && (l.startsWith(n + " ") || l === n + " button")))
            : s.names.some((n) => l.startsWith(n));
          if (hit) named.push(s.text);
        }
      }
      const agree = isAccept(label) && !isConsentish(label);
      let plausible;
      if (group === "box") {
        plausible = agree || (TERMS.test(label) && /\b(read|läst|confirm|bekräftar|understand|förstår|intygar)/i.test(label) && !lib.NEGATIVE.some((re) => re.test(label)));
      } else {
        plausible = (agree && label.length <= 80 && (d.kind !== "link" || STRONG_BUTTON.test(clean(label)))) || named.length > 0;
      }
      if (!plausible) return;
      if (why) {
        skipped.push({ selector: d.selector, kind: d.kind, label, why });
        return;
      }
      d.named = named;
      d.strong = group === "button" ? STRONG_BUTTON.test(clean(label)) : TERMS.test(label);
      d.nearTerms = nearTerms(el);
      d.links = lib.nearLinks(el, dialogs);
      d.group = group;
      d.el = el;
      candidates.push(d);
    };
    for (const el of queryDeep(BOXES)) consider(el, "box");
    for (const el of queryDeep(BUTTONS)) {
      if (el.matches(BOXES)) continue;
      consider(el, "button");
    }
    // An open modal dialog is all a person can use: candidates behind it do not count.
    const modals = openModals(dialogs);
    if (modals.length) {
      const inside = candidates.filter((c) => modals.some((m) => lib.containsDeep(m, c.el)));
      if (inside.length) {
        for (const c of candidates) {
          if (!inside.includes(c)) skipped.push({ selector: c.selector, kind: c.kind, label: c.label, why: "behind a modal dialog" });
        }
        candidates.splice(0, candidates.length, ...inside);
      }
    }
    for (const c of candidates) delete c.el;

    const submits = submitButtons(dialogs);
    return {
      candidates,
      skipped,
      sentences: uniqSentences.map((s) => ({ text: s.text, names: s.names })),
      submits,
    };
  };

  // Links with whether they sit in page furniture (a footer's "Terms" is not the agreement's).
  const links = () => lib.queryDeep("a[href]").map((a) => ({
    text: norm(a.innerText || a.getAttribute("aria-label") || a.getAttribute("title") || ""),
    href: a.href,
    furniture: !!furniture(a),
  }));

  return { run, furniture, links, submitButtons };
})();
