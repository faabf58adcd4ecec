// In-page helpers for capture. Evaluated inside a function body by capture/jslib.py, so it
// leaves nothing behind in the page (no globals; the few DOM changes are undone by the caller).
// Defines `lib`. Runs in every frame on its own (a frame's controls are described there).
const lib = (() => {
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();

  // Labels that say "I accept" in Swedish or English. Prefix forms cover inflections:
  // godkänn/godkänner/godkänna, acceptera/accepterar.
  const POSITIVE = [
    /godkänn/i, /accepter/i, /\bgodtar\b/i, /jag har läst/i, /\bi accept\b/i, /\bi agree\b/i,
    /\baccept\b/i, /\bagree\b/i, /\bi have read\b/i, /\bsamtycker\b/i, /\bi consent\b/i,
    /\bintygar\b/i, /\bi acknowledge\b/i,
  ];
  // Look-alikes that are not an acceptance of the agreement: cookie banners, newsletters,
  // marketing consent and explicit refusals.
  const NEGATIVE = [
    /cookie/i, /\bkakor\b/i, /nyhetsbrev/i, /newsletter/i, /marknadsföring/i, /marketing/i,
    /\breklam/i, /\bdisagree\b/i, /\bdecline\b/i, /\breject\b/i, /avböj/i, /\bneka/i,
    /(godkänner|accepterar|godtar) inte\b/i, /\b(do not|don't) (accept|agree)\b/i,
    /\bnot accept\b/i, /erbjudanden/i, /\boffers\b/i, /\bpromotion/i, /\bspårning/i,
    /\btracking\b/i, /\bpersonali[sz]ed ads\b/i,
    /\breceive\b.{0,40}\b(e-?mails?|updates|news|offers|messages|communications)\b/i,
    /\b(product|marketing) (updates|e-?mails?|news)\b/i, /\bsubscribe\b/i,
    /\b(få|ta emot)\b.{0,40}\b(e-?post|nyheter|erbjudanden|utskick|information)\b/i,
    /\butskick\b/i, /\b(e-?post|sms)-?(utskick|nyheter)\b/i,
  ];
  // What a consent banner's "accept" says; never the agreement unless it names the terms.
  const CONSENTISH = [
    /\b(accept|allow|agree to|enable) (all|everything|cookies|selected)\b/i,
    /\b(acceptera|godkänn|tillåt|godta) (alla|allt|samtliga|kakor|cookies|valda)\b/i,
    /^(ok|okay|got it|jag förstår|i understand|förstått|stäng|close|allow|tillåt)\.?!?$/i,
  ];
  const TERMS = /(terms|villkor|avtal|agreement|conditions|policy|polic(y|ies)|\bdpa\b|data processing|personuppgift|integritet|privacy|eula|licens|license|underbiträd|sub-?processor|addendum|tillägg|\bsla\b|användarvillkor|tjänstevillkor)/i;
  const isAccept = (label) =>
    !!label && POSITIVE.some((re) => re.test(label)) && !NEGATIVE.some((re) => re.test(label));
  const isConsentish = (label) => CONSENTISH.some((re) => re.test(norm(label))) && !TERMS.test(label);

  // -- visibility and geometry ----------------------------------------------------------
  const shown = (el) => {
    if (!el || !el.getBoundingClientRect) return false;
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    if (r.width <= 0 || r.height <= 0 || s.visibility === "hidden" || s.display === "none") {
      return false;
    }
    if (parseFloat(s.opacity) === 0 && el.tagName !== "INPUT") return false;
    return !el.closest('[aria-hidden="true"], [inert]');
  };

  const docRect = (el) => {
    const r = el.getBoundingClientRect();
    return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
  };
  const viewRect = (el) => {
    const r = el.getBoundingClientRect();
    return { x: r.left, y: r.top, width: r.width, height: r.height };
  };

  const union = (rects) => {
    const rs = rects.filter((r) => r.width > 0 && r.height > 0);
    if (!rs.length) return { x: 0, y: 0, width: 0, height: 0 };
    const x0 = Math.min(...rs.map((r) => r.x));
    const y0 = Math.min(...rs.map((r) => r.y));
    const x1 = Math.max(...rs.map((r) => r.x + r.width));
    const y1 = Math.max(...rs.map((r) => r.y + r.height));
    return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  };

  // -- the composed tree (open shadow roots included) -------------------------------------
  const parentOf = (node) => node.parentElement || (node.parentNode && node.parentNode.host) || null;
  const closestDeep = (el, sel) => {
    for (let node = el; node; node = parentOf(node)) {
      if (node.nodeType === 1 && node.matches(sel)) return node;
    }
    return null;
  };
  const containsDeep = (outer, el) => {
    for (let node = el; node; node = parentOf(node)) if (node === outer) return true;
    return false;
  };
  // Every element of the document and of its open shadow roots, in document order.
  const allElements = (root = document) => {
    const out = [];
    const walk = (r) => {
      for (const el of r.querySelectorAll("*")) {
        out.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(root);
    return out;
  };
  const hasShadow = () => {
    for (const el of document.querySelectorAll("*")) if (el.shadowRoot) return true;
    return false;
  };
  const queryDeep = (sel, root = document) => {
    const out = [];
    const walk = (r) => {
      out.push(...r.querySelectorAll(sel));
      for (const el of r.querySelectorAll("*")) if (el.shadowRoot) walk(el.shadowRoot);
    };
    walk(root);
    return out;
  };

  // A selector (Playwright's CSS, which pierces open shadow roots) matching exactly `el`.
  const isUniqueIn = (root, sel, el, deep) => {
    try {
      const found = deep ? queryDeep(sel, root) : root.querySelectorAll(sel);
      return found.length === 1 && found[0] === el;
    } catch (e) {
      return false;
    }
  };
  const localSelector = (el, root, deep) => {
    const esc = CSS.escape;
    if (el.id && isUniqueIn(root, "#" + esc(el.id), el, deep)) return "#" + esc(el.id);
    const tag = el.tagName.toLowerCase();
    const type = el.getAttribute("type");
    const typePart = type ? `[type="${esc(type)}"]` : "";
    for (const attr of ["name", "data-testid", "data-test", "aria-label", "value"]) {
      const v = el.getAttribute(attr);
      if (v) {
        const sel = `${tag}${typePart}[${attr}="${esc(v)}"]`;
        if (isUniqueIn(root, sel, el, deep)) return sel;
      }
    }
    const parts = [];
    let node = el;
    while (node && node.nodeType === 1) {
      if (node !== el && node.id && isUniqueIn(root, "#" + esc(node.id), node, false)) {
        parts.unshift("#" + esc(node.id));
        break;
      }
      let part = node.tagName.toLowerCase();
      const parent = node.parentElement;
      if (parent) {
        const same = [...parent.children].filter((c) => c.tagName === node.tagName);
        if (same.length > 1) part += `:nth-of-type(${same.indexOf(node) + 1})`;
      } else if (root !== document) {
        const same = [...root.children].filter((c) => c.tagName === node.tagName);
        if (same.length > 1) part = `:scope > ${part}:nth-of-type(${same.indexOf(node) + 1})`;
      }
      parts.unshift(part);
      node = parent;
    }
    return parts.join(" > ");
  };
  const uniqueSelector = (el) => {
    const root = el.getRootNode();
    if (root === document) return localSelector(el, document, hasShadow());
    // In a shadow root: the host's selector, then the element's inside the host.
    const inner = localSelector(el, root, false);
    const host = root.host;
    if (isUniqueIn(document, inner, el, true)) return inner;
    return uniqueSelector(host) + " >> " + inner;
  };

  // -- controls ----------------------------------------------------------------------------
  const kindOf = (el) => {
    const tag = el.tagName.toLowerCase();
    const type = (el.getAttribute("type") || "").toLowerCase();
    const role = (el.getAttribute("role") || "").toLowerCase();
    if ((tag === "input" && type === "checkbox") || role === "checkbox" || role === "switch") {
      return "checkbox";
    }
    if ((tag === "input" && type === "radio") || role === "radio") return "radio";
    if (tag === "a" && role !== "button") return "link";
    return "button";
  };

  const textOf = (el) => norm(el.innerText || el.textContent || "");
  const byId = (el, id) => {
    const root = el.getRootNode();
    return (root.getElementById ? root.getElementById(id) : null) || document.getElementById(id);
  };

  // The label of a checkbox/radio and the elements that show it (for the screenshot box).
  const boxLabel = (el) => {
    const aria = el.getAttribute("aria-label");
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      const els = by.split(/\s+/).map((id) => byId(el, id)).filter(Boolean);
      const t = norm(els.map(textOf).join(" "));
      if (t) return { label: t, els };
    }
    if (el.labels && el.labels.length) {
      const els = [...el.labels];
      const t = norm(els.map(textOf).join(" "));
      if (t) return { label: t, els };
    }
    const wrap = el.closest("label");
    if (wrap && textOf(wrap)) return { label: textOf(wrap), els: [wrap] };
    if (aria) return { label: norm(aria), els: [] };
    if (el.getAttribute("role") && textOf(el)) return { label: textOf(el), els: [] };
    // Surrounding text, but only when short: a long parent is the agreement itself.
    let node = parentOf(el);
    for (let i = 0; node && i < 3; i += 1, node = parentOf(node)) {
      const t = textOf(node);
      if (t) return t.length <= 300 ? { label: t, els: [node] } : { label: "", els: [] };
    }
    return { label: "", els: [] };
  };

  const buttonLabel = (el) =>
    norm(el.getAttribute("aria-label") || textOf(el) || el.value || el.getAttribute("title") || "");

  const commonAncestor = (els) => {
    let node = els[0];
    while (node && !els.every((e) => containsDeep(node, e))) node = parentOf(node);
    return node;
  };

  const isDisabled = (el) =>
    !!el.disabled || el.getAttribute("aria-disabled") === "true" || !!el.closest("fieldset:disabled");

  // Links near an element: in its nearest container holding links (a few levels up). Links
  // inside `exclude` (the consent dialogs shown) are never the agreement's.
  const nearLinks = (el, exclude) => {
    const outside = (a) => !(exclude || []).some((d) => containsDeep(d, a));
    let node = parentOf(el);
    for (let i = 0; node && i < 5; i += 1, node = parentOf(node)) {
      const found = [...node.querySelectorAll("a[href]")].filter((a) => shown(a) && outside(a));
      if (found.length) {
        return found.slice(0, 12).map((a) => ({ text: textOf(a).slice(0, 200), href: a.href }));
      }
      if (node.tagName === "FORM" || node.tagName === "BODY") break;
    }
    return [];
  };

  const describe = (el) => {
    const kind = kindOf(el);
    const { label, els } = kind === "button" || kind === "link"
      ? { label: buttonLabel(el), els: [] }
      : boxLabel(el);
    const own = docRect(el);
    let box = union([own, ...els.map(docRect)]);
    let vbox = union([viewRect(el), ...els.map(viewRect)]);
    // A huge "label" (a whole section) would make the accept screenshot useless.
    if (box.height > 400 || box.width > 1600) {
      box = own;
      vbox = viewRect(el);
    }
    const visibleLabel = els.find(shown);
    const keep = [];
    const together = commonAncestor([el, ...els]);
    if (together && together !== el && together.getBoundingClientRect().height < 400) {
      keep.push(uniqueSelector(together));
    }
    const form = el.closest("form");
    if (form && form.getBoundingClientRect().height < 700) keep.push(uniqueSelector(form));
    if (!keep.length) keep.push(uniqueSelector(el));
    let checked = null;
    if (kind === "checkbox" || kind === "radio") {
      checked = "checked" in el && el.tagName === "INPUT"
        ? !!el.checked
        : el.getAttribute("aria-checked") === "true";
    }
    return {
      selector: uniqueSelector(el),
      kind,
      label,
      checked,
      visible: shown(el),
      labelSelector: visibleLabel ? uniqueSelector(visibleLabel) : null,
      box,
      vbox,
      keep,
      disabled: isDisabled(el),
      shown: shown(el) || els.some(shown),
      tag: el.tagName.toLowerCase(),
      role: el.getAttribute("role"),
      inShadow: el.getRootNode() !== document,
    };
  };

  // Whether the terms (a terms link, a long text block, or a frame) are in the viewport
  // within 400 px of `el`: could the person clicking see what they accepted? Nothing inside
  // `exclude` (the consent dialogs shown) counts.
  const termsInView = (el, exclude) => {
    const r = el.getBoundingClientRect();
    const mid = (r.top + r.bottom) / 2;
    return queryDeep("a[href], p, li, div, td, iframe").some((t) => {
      if (t === el || lib_contains(t, el) || !shown(t)) return false;
      if ((exclude || []).some((d) => containsDeep(d, t) || containsDeep(t, d))) return false;
      const q = t.getBoundingClientRect();
      if (q.bottom <= 0 || q.top >= innerHeight) return false;
      const near = Math.abs((Math.max(q.top, 0) + Math.min(q.bottom, innerHeight)) / 2 - mid) < 400;
      if (!near) return false;
      if (t.tagName === "A") return TERMS.test(textOf(t) + " " + (t.getAttribute("href") || ""));
      if (t.tagName === "IFRAME") return q.height > 80;
      return textOf(t).length > 200;
    });
  };
  const lib_contains = (outer, el) => {
    for (let node = el; node; node = parentOf(node)) if (node === outer) return true;
    return false;
  };

  const links = () => queryDeep("a[href]").map((a) => ({
    text: norm(a.innerText || a.getAttribute("aria-label") || a.getAttribute("title") || ""),
    href: a.href,
  }));

  const CAPTCHA = [
    'iframe[src*="recaptcha"]', 'iframe[src*="hcaptcha"]', 'iframe[src*="challenges.cloudflare.com"]',
    ".g-recaptcha", ".h-captcha", ".cf-turnstile", "#challenge-form", "#cf-challenge-running",
  ].join(", ");

  const docSize = () => ({
    width: document.documentElement.scrollWidth,
    height: Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0),
  });

  // -- the visible text of the composed tree, frames included --------------------------------
  // Chromium's innerText skips open shadow roots and frames. When a page has either, copy
  // the composed tree (hidden parts left out, display and white-space kept, each frame's
  // text put where the frame is) into an isolated off-screen host and read its innerText.
  const SKIP_TAGS = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "INPUT", "SELECT",
    "TEXTAREA", "IMG", "SVG", "CANVAS", "VIDEO", "AUDIO", "OBJECT", "EMBED", "LINK", "META"]);
  const SAFE_TAGS = /^(p|div|span|h[1-6]|ul|ol|li|dl|dt|dd|table|thead|tbody|tfoot|tr|td|th|caption|pre|br|hr|a|b|strong|em|i|u|small|sub|sup|label|section|article|main|aside|header|footer|nav|blockquote|code|figure|figcaption|address|button|summary|details|fieldset|legend|mark|time|abbr|q|cite|s|del|ins)$/;

  const flatCopy = (node, frames, skip, reveal) => {
    if (node.nodeType === 3) return document.createTextNode(node.data);
    if (node.nodeType !== 1) return null;
    const el = node;
    if (SKIP_TAGS.has(el.tagName) || (skip && skip(el))) return null;
    const cs = getComputedStyle(el);
    const shownAnyway = reveal && reveal(el);
    if (!shownAnyway && (cs.display === "none" || cs.visibility === "hidden" || cs.visibility === "collapse")) {
      return null;
    }
    if (el.tagName === "IFRAME" || el.tagName === "FRAME") {
      const entry = frames.find((f) => f[0] === el);
      if (!entry) return null;
      const div = document.createElement("div");
      div.style.display = "block";
      if (entry[2]) {
        div.innerHTML = entry[2];
      } else {
        div.style.whiteSpace = "pre-wrap";
        div.textContent = entry[1];
      }
      return div;
    }
    const tag = el.tagName.toLowerCase();
    const copy = document.createElement(SAFE_TAGS.test(tag) ? tag : "div");
    copy.style.display = shownAnyway ? "block" : cs.display;
    copy.style.whiteSpace = cs.whiteSpace;
    copy.style.textTransform = cs.textTransform;
    if (tag === "a" && el.href) copy.setAttribute("href", el.href);
    // An open <details> shows its content only with the attribute (not by its style).
    if (tag === "details" && (el.open || shownAnyway)) copy.setAttribute("open", "");
    const kids = [];
    if (el.shadowRoot) {
      for (const child of el.shadowRoot.childNodes) {
        if (child.nodeType === 1 && child.tagName === "SLOT") {
          const assigned = child.assignedNodes({ flatten: true });
          kids.push(...(assigned.length ? assigned : child.childNodes));
        } else {
          kids.push(child);
        }
      }
    } else {
      kids.push(...el.childNodes);
    }
    for (const kid of kids) {
      const c = flatCopy(kid, frames, skip, reveal);
      if (c) copy.appendChild(c);
    }
    return copy;
  };

  // innerText of a detached tree, laid out off-screen inside a closed shadow root so the
  // page's own style sheets cannot hide or restyle it. The host is removed at once.
  const layoutText = (tree) => {
    const host = document.createElement("div");
    host.style.cssText = "position:absolute!important;left:-100000px!important;top:0!important;"
      + "width:" + Math.max(320, document.documentElement.clientWidth) + "px!important;"
      + "display:block!important;visibility:visible!important;";
    const root = host.attachShadow({ mode: "closed" });
    root.appendChild(tree);
    document.documentElement.appendChild(host);
    try {
      return tree.innerText;
    } finally {
      host.remove();
    }
  };

  // frames: [[iframeElement, text], ...] given by the caller (each frame read in itself).
  const visibleText = (frames) => {
    if (!document.body) return "";
    const shownFrames = (frames || []).filter((f) => f[0] && shown(f[0]));
    if (!shownFrames.length && !hasShadow()) return document.body.innerText;
    const tree = flatCopy(document.body, shownFrames, null);
    return tree ? layoutText(tree) : "";
  };

  const info = (frames) => ({
    text: visibleText(frames),
    title: document.title || "",
    lang: document.documentElement.getAttribute("lang"),
    captchaWidget: !!document.querySelector(CAPTCHA),
    ...docSize(),
  });

  // The DOM with open shadow roots as declarative <template shadowrootmode> elements.
  const dom = () => {
    const roots = allElements().filter((el) => el.shadowRoot).map((el) => el.shadowRoot);
    const html = document.documentElement;
    const attrs = [...html.attributes].map((a) => ` ${a.name}="${a.value.replace(/"/g, "&quot;")}"`).join("");
    const doctype = document.doctype ? `<!DOCTYPE ${document.doctype.name}>` : "";
    const inner = roots.length && html.getHTML ? html.getHTML({ shadowRoots: roots }) : html.innerHTML;
    return { html: `${doctype}<html${attrs}>${inner}</html>`, shadowRoots: roots.length };
  };

  return {
    norm, shown, docRect, viewRect, union, parentOf, closestDeep, containsDeep, allElements,
    queryDeep, hasShadow, uniqueSelector, kindOf, textOf, boxLabel, buttonLabel, describe,
    isAccept, isConsentish, isDisabled, nearLinks, links, termsInView, info, docSize, visibleText, flatCopy,
    layoutText, dom, POSITIVE, NEGATIVE, TERMS,
  };
})();
