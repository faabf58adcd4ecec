// Cookie and consent dialogs: recognise them, and find the choice to make in one.
// Needs `lib` (pagelib.js). Defines `consent`.
const consent = (() => {
  const { norm, shown, textOf, buttonLabel, uniqueSelector, queryDeep, allElements } = lib;

  // The markup of the common consent platforms: their root and, where they have fixed ids,
  // their buttons. Anything else is found by its text and its buttons' labels.
  const PLATFORMS = [
    { name: "OneTrust", root: "#onetrust-banner-sdk, #onetrust-pc-sdk, #onetrust-consent-sdk",
      reject: "#onetrust-reject-all-handler, .ot-pc-refuse-all-handler",
      accept: "#onetrust-accept-btn-handler, #accept-recommended-btn-handler",
      settings: "#onetrust-pc-btn-handler", save: ".save-preference-btn-handler" },
    { name: "Cookiebot", root: "#CybotCookiebotDialog",
      reject: "#CybotCookiebotDialogBodyButtonDecline, #CybotCookiebotDialogBodyLevelButtonLevelOptinDeclineAll",
      accept: "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll, #CybotCookiebotDialogBodyButtonAccept",
      save: "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowallSelection" },
    { name: "Didomi", root: "#didomi-host, #didomi-notice, #didomi-popup",
      reject: "#didomi-notice-disagree-button, .didomi-continue-without-agreeing",
      accept: "#didomi-notice-agree-button", settings: "#didomi-notice-learn-more-button" },
    { name: "CookieYes", root: ".cky-consent-container, .cky-modal, #cookie-law-info-bar",
      reject: '.cky-btn-reject, [data-cky-tag="reject-button"], #cookie_action_close_header_reject',
      accept: '.cky-btn-accept, [data-cky-tag="accept-button"], #cookie_action_close_header',
      settings: '.cky-btn-customize, [data-cky-tag="settings-button"]',
      save: ".cky-btn-preferences" },
    { name: "Microsoft", root: "#wcpConsentBannerCtrl" },
    { name: "AWS", root: "#awsccc-cb-content, #awsccc-sb-ux-c, #awsccc-cs-container",
      reject: '[data-id="awsccc-cb-btn-decline"]', accept: '[data-id="awsccc-cb-btn-accept"]',
      settings: '[data-id="awsccc-cb-btn-customize"]', save: '[data-id="awsccc-cs-btn-save"]' },
    { name: "Google", root: 'form[action*="consent"], [aria-modal="true"]:has(#W0wltc)',
      reject: "#W0wltc", accept: "#L2AGLb" },
    { name: "Quantcast", root: "#qc-cmp2-container, .qc-cmp2-container, #qc-cmp2-ui",
      reject: '.qc-cmp2-summary-buttons button[mode="secondary"]',
      accept: '.qc-cmp2-summary-buttons button[mode="primary"]' },
    { name: "Usercentrics", root: "#usercentrics-root, #usercentrics-cmp-ui",
      reject: '[data-testid="uc-deny-all-button"]', accept: '[data-testid="uc-accept-all-button"]' },
    { name: "TrustArc", root: "#truste-consent-track, .truste_box_overlay",
      reject: "#truste-consent-required", accept: "#truste-consent-button" },
    { name: "Osano", root: ".cc-window, .osano-cm-window, .osano-cm-dialog",
      reject: ".cc-deny, .osano-cm-denyAll, .osano-cm-deny", accept: ".cc-allow, .osano-cm-accept-all" },
    { name: "Complianz", root: ".cmplz-cookiebanner", reject: ".cmplz-deny", accept: ".cmplz-accept" },
    { name: "iubenda", root: "#iubenda-cs-banner", reject: ".iubenda-cs-reject-btn",
      accept: ".iubenda-cs-accept-btn" },
    { name: "Cookie Information", root: "#coiOverlay, #coi-banner-wrapper",
      reject: "#declineButton, .coi-banner__decline", accept: ".coi-banner__accept" },
    { name: "Klaro", root: ".klaro .cookie-notice, .klaro .cookie-modal", reject: ".cn-decline",
      accept: ".cm-btn-accept-all" },
    { name: "Borlabs", root: "#BorlabsCookieBox", reject: "[data-cookie-refuse]",
      accept: "[data-cookie-accept-all], [data-cookie-accept]" },
  ];

  const COOKIE = /\bcookies?\b|\bkakor(na)?\b|\bkaka\b|cookie-?|\bkakan\b/gi;
  const MARKERS = [
    /samtyck|consent|\bgdpr\b/i, /marketing|marknadsför|advertis|annons|reklam|\bads\b/i,
    /analy[st]|statisti|mät(a|ning)|measure/i, /partner|vendor|tredje ?part|third[- ]part/i,
    /nödvändig|necessary|essential|strictly/i, /spårning|tracking|track\b/i, /personali[sz]|anpassad/i,
    /legitimate interest|berättigat intresse/i, /\bstore and\/or access|lagra och\/eller/i,
  ];
  const AGREEMENT = /(terms of (service|use)|användarvillkor|tjänstevillkor|villkoren|avtal|agreement|data processing|personuppgiftsbiträd|subscription|license|licens)/gi;

  const REJECT = [
    /^(reject|decline|deny|refuse|disagree)( all)?( cookies)?\.?$/i,
    /\b(reject|decline|deny|refuse) (all|everything|optional|non-?essential|additional)\b/i,
    /\b(neka|avvisa|avböj|avslå|vägra) (alla|allt|samtliga|valfria|icke nödvändiga)\b/i,
    /^(neka|avvisa|avböj|avslå|vägra|nej tack|no thanks)\.?$/i,
    /\b(i do not accept|do not accept|don't accept|jag godkänner inte|godkänn inte|acceptera inte|tillåt inte)\b/i,
    /\bcontinue without (accepting|agreeing|consent)/i, /\bfortsätt utan att (godkänna|acceptera|samtycka)/i,
    /\b(reject|decline|deny|refuse)\b/i, /\b(neka|avvisa|avböj|avslå)\b/i,
  ];
  const NECESSARY = [
    /\b(only|just|strictly)? ?(necessary|essential|required|functional)( cookies)?( only)?\b/i,
    /\b(endast|bara|enbart|tillåt endast|acceptera endast|godkänn endast|använd endast) ?(nödvändiga|nödvändig|funktionella)/i,
    /\bnödvändiga (kakor|cookies)\b/i, /^nödvändiga$/i,
  ];
  const ACCEPT_ALL = [
    /\b(accept|allow|agree to|enable) (all|everything|cookies|all cookies)\b/i,
    /\b(acceptera|godkänn|tillåt|godta) (alla|allt|samtliga|kakor|cookies)\b/i,
    /^(accept|agree|allow|acceptera|godkänn|tillåt|godta|jag godkänner|i agree|i accept|ok|okay|got it|jag förstår|förstått|accept and continue|agree and (close|continue))\.?!?$/i,
  ];
  const SETTINGS = [
    /\b(settings|preferences|customi[sz]e|manage|options|choices|more info)/i,
    /\b(inställningar|anpassa|hantera|välj|mer information|detaljer|visa detaljer|ändra)/i,
  ];
  const SAVE = [
    /\b(save|confirm|submit)( my)? (choices|choice|preferences|settings|selection)\b/i,
    /\b(allow|accept) (selection|selected)\b/i,
    /\b(spara|bekräfta)( mina)? (val|inställningar|urval)\b/i, /\b(tillåt|godkänn) (urval|valda)\b/i,
    /^(save|spara|confirm|bekräfta)\.?$/i,
  ];

  const CONTROLS = 'button, [role="button"], input[type="button"], input[type="submit"], a[href], a[role="button"], [tabindex]';

  const clickables = (root) => {
    const found = [];
    const walk = (r) => {
      for (const el of r.querySelectorAll(CONTROLS)) {
        if (shown(el) && !found.includes(el)) found.push(el);
      }
      for (const el of r.querySelectorAll("*")) if (el.shadowRoot) walk(el.shadowRoot);
    };
    walk(root);
    if (root.shadowRoot) walk(root.shadowRoot);
    return found.filter((el) => {
      // [tabindex] only when it acts like a button (short label, no block children).
      if (el.matches('button, [role="button"], input, a[href]')) return true;
      return buttonLabel(el).length <= 40 && !el.querySelector("p, div, li");
    });
  };
  const labelOf = (el) => norm(buttonLabel(el) || el.value || "");
  const countMatches = (text, re) => (text.match(re) || []).length;

  const consentButtons = (root) => {
    let n = 0;
    for (const el of clickables(root)) {
      const l = labelOf(el);
      if (l.length > 60) continue;
      if ([...REJECT, ...NECESSARY, ...ACCEPT_ALL.slice(0, 2), ...SAVE].some((re) => re.test(l))) n += 1;
      else if (COOKIE.test(l)) n += 1;
      COOKIE.lastIndex = 0;
    }
    return n;
  };

  // How much `el` reads like a consent dialog (0 = not at all); the decision is in `judge`.
  const judge = (el, whole) => {
    const text = norm(el.innerText || "");
    if (text.length < 20) return null;
    const cookies = countMatches(text, COOKIE);
    const markers = MARKERS.filter((re) => re.test(text)).length;
    const agreement = countMatches(text, AGREEMENT);
    const buttons = consentButtons(el);
    // A long text about the agreement is the agreement (which may mention cookies).
    if (text.length > 6000 || (whole && text.length > 0.6 * whole && text.length > 2500)) return null;
    let score = 2 * Math.min(cookies, 3) + markers + 2 * Math.min(buttons, 2) - 2 * agreement;
    // An agreement control inside says it is the agreement's own dialog.
    for (const box of queryDeep('input[type="checkbox"], [role="checkbox"], [role="switch"]', el)) {
      const { label } = lib.boxLabel(box);
      if (lib.isAccept(label) && lib.TERMS.test(label)) score -= 4;
    }
    const yes = (cookies >= 1 && score >= 3) || (markers >= 3 && buttons >= 1 && /samtyck|consent/i.test(text) && score >= 4);
    return yes ? { score, text } : null;
  };

  // An in-page bar named for what it is (id or class "cookie", "consent", "gdpr", "cmp").
  const CONSENT_NAME = /(cookie|consent|gdpr|\bcmp\b|cmp-|-cmp|kakor|samtycke)/i;
  const namedLikeConsent = (el) => {
    const name = (el.id || "") + " " + (typeof el.className === "string" ? el.className : "");
    return CONSENT_NAME.test(name) && el.tagName !== "BODY" && el.tagName !== "HTML" &&
      !el.closest("main, article");
  };

  const overlayLike = (el) => {
    const cs = getComputedStyle(el);
    return cs.position === "fixed" || cs.position === "sticky" ||
      el.matches('[role="dialog"], [role="alertdialog"], [aria-modal="true"], dialog[open]');
  };

  // The consent dialogs shown in this frame: [{selector, platform, text, box, buttons}].
  const find = (child) => {
    const whole = document.body ? norm(document.body.innerText).length : 0;
    const found = [];
    const add = (el, platform) => {
      if (found.some((f) => lib.containsDeep(f.el, el))) return;
      for (let i = found.length - 1; i >= 0; i -= 1) {
        if (lib.containsDeep(el, found[i].el)) found.splice(i, 1);
      }
      found.push({ el, platform });
    };
    for (const p of PLATFORMS) {
      for (const el of queryDeep(p.root)) {
        if (shown(el) || (el.shadowRoot && clickables(el).length)) add(el, p);
      }
    }
    for (const el of allElements()) {
      if (!(overlayLike(el) || namedLikeConsent(el)) || !shown(el)) continue;
      if (found.some((f) => lib.containsDeep(f.el, el) || lib.containsDeep(el, f.el))) continue;
      // The outermost overlay ancestor that still reads as a consent dialog.
      let top = el;
      for (let up = lib.parentOf(el); up && up !== document.body; up = lib.parentOf(up)) {
        if ((overlayLike(up) || namedLikeConsent(up)) && judge(up, whole)) top = up;
      }
      if (judge(top, whole)) add(top, null);
    }
    // A frame that is itself a consent message (some platforms serve theirs in an iframe).
    if (child && !found.length && document.body && judge(document.body, 0)) {
      add(document.body, null);
    }
    return found.map(({ el, platform }) => ({
      el,
      platform: platform ? platform.name : null,
      selector: uniqueSelector(el),
      text: norm(el.innerText || "").slice(0, 600),
      box: lib.docRect(el),
      buttons: clickables(el).map((b) => labelOf(b)).filter(Boolean).slice(0, 12),
    }));
  };

  const describeAll = (child) => find(child).map(({ el, ...rest }) => rest);

  const pick = (els, patterns) => {
    for (const re of patterns) {
      const hit = els.find((b) => {
        const l = labelOf(b);
        return l && l.length <= 80 && re.test(l);
      });
      if (hit) return hit;
    }
    return null;
  };

  // The control to click in the dialog at `selector` for `mode` (reject or accept), or the
  // settings button to open first. Returns {selector, label, how} or null.
  const choice = (selector, mode, child) => {
    const dialogs = find(child);
    const d = dialogs.find((x) => x.selector === selector) || dialogs[0];
    if (!d) return null;
    const platform = PLATFORMS.find((p) => p.name === d.platform);
    const els = clickables(d.el);
    const sel = (css) => {
      if (!css) return null;
      const hit = queryDeep(css).find((b) => shown(b));
      return hit || null;
    };
    const out = (el, how) => el && { selector: uniqueSelector(el), label: labelOf(el), how };
    if (mode === "accept") {
      return out(sel(platform && platform.accept), "platform") || out(pick(els, ACCEPT_ALL), "label");
    }
    const direct = out(sel(platform && platform.reject), "platform")
      || out(pick(els, REJECT.slice(0, 6)), "label") || out(pick(els, NECESSARY), "label")
      || out(pick(els, REJECT.slice(6)), "label");
    if (direct) return direct;
    // A preferences panel: untick every optional choice, then save.
    const toggles = queryDeep('input[type="checkbox"], [role="checkbox"], [role="switch"]', d.el)
      .filter((t) => !lib.isDisabled(t));
    const save = sel(platform && platform.save) || pick(els, SAVE);
    if (save && toggles.length) {
      return { ...out(save, "save"), untick: toggles.map(uniqueSelector) };
    }
    const settings = sel(platform && platform.settings) || pick(els, SETTINGS);
    return out(settings, "settings");
  };

  // What is on top at the centre of `el`: null when `el` (or its label) receives the click.
  const coverAt = (x, y, targets) => {
    let hit = document.elementFromPoint(x, y);
    while (hit && hit.shadowRoot) {
      const inner = hit.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === hit) break;
      hit = inner;
    }
    if (!hit) return null;
    if (targets.some((t) => t === hit || lib.containsDeep(t, hit) || lib.containsDeep(hit, t) && hit.tagName === "LABEL")) {
      return null;
    }
    if (hit.tagName === "IFRAME" || hit.tagName === "FRAME") return { frame: true };
    // Name the overlay: the outermost fixed/dialog ancestor of what is on top.
    let top = hit;
    for (let up = hit; up && up !== document.body; up = lib.parentOf(up)) {
      if (overlayLike(up)) top = up;
    }
    const text = norm(top.innerText || "").slice(0, 100);
    const whole = document.body ? norm(document.body.innerText).length : 0;
    const cls = typeof top.className === "string" && top.className.trim()
      ? "." + top.className.trim().split(/\s+/).slice(0, 2).join(".") : "";
    return {
      frame: false,
      selector: uniqueSelector(top),
      what: `<${top.tagName.toLowerCase()}${top.id ? "#" + top.id : ""}${cls}>`,
      text,
      consent: !!judge(top, whole) || PLATFORMS.some((p) => queryDeep(p.root).some((r) => lib.containsDeep(r, top))),
    };
  };

  // A consent platform's script on the page: its dialog may be shown a moment after load.
  const CMP_SCRIPT = /(onetrust|otSDKStub|optanon|cookiebot|cybot|didomi|quantcast|\bcmp|cookieyes|cookie-?law|usercentrics|trustarc|truste|osano|cookieconsent|consent|iubenda|klaro|complianz|borlabs|awsccc|mscc|cookie)/i;
  const pending = () => [...document.scripts].some((s) => CMP_SCRIPT.test(s.src || "") ||
    (!s.src && /consent|cookie/i.test((s.textContent || "").slice(0, 4000))));

  const isInside = (el, child) => find(child).some((d) => lib.containsDeep(d.el, el));
  const roots = (child) => find(child).map((d) => d.el);

  return { find, describeAll, choice, coverAt, isInside, roots, judge, pending };
})();
