// In-page helpers for capture. Evaluated inside a function body by capture/runner.py, so it
// leaves nothing behind in the page (no globals, no DOM changes). Defines `lib`.
const lib = (() => {
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();

  // Labels that say "I accept" in Swedish or English. Prefix forms cover inflections:
  // godkänn/godkänner/godkänna, acceptera/accepterar.
  const POSITIVE = [
    /godkänn/i, /accepter/i, /\bgodtar\b/i, /jag har läst/i, /\bi accept\b/i, /\bi agree\b/i,
    /\baccept\b/i, /\bagree\b/i, /\bi have read\b/i,
  ];
  // Look-alikes that are not an acceptance of the agreement: cookie banners, newsletters,
  // marketing consent and explicit refusals.
  const NEGATIVE = [
    /cookie/i, /\bkakor\b/i, /nyhetsbrev/i, /newsletter/i, /marknadsföring/i, /marketing/i,
    /\breklam/i, /\bdisagree\b/i, /\bdecline\b/i, /\breject\b/i, /avböj/i, /\bneka/i,
    /(godkänner|accepterar|godtar) inte\b/i, /\b(do not|don't) (accept|agree)\b/i,
  ];
  const isAccept = (label) =>
    !!label && POSITIVE.some((re) => re.test(label)) && !NEGATIVE.some((re) => re.test(label));

  const shown = (el) => {
    if (!el || !el.getBoundingClientRect) return false;
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };

  const isUnique = (sel, el) => {
    try {
      const found = document.querySelectorAll(sel);
      return found.length === 1 && found[0] === el;
    } catch (e) {
      return false;
    }
  };

  // A CSS selector that matches exactly this element: id, then stable attributes, then a
  // child path anchored at the nearest ancestor with a unique id (or the root).
  const uniqueSelector = (el) => {
    const esc = CSS.escape;
    if (el.id && isUnique("#" + esc(el.id), el)) return "#" + esc(el.id);
    const tag = el.tagName.toLowerCase();
    const type = el.getAttribute("type");
    const typePart = type ? `[type="${esc(type)}"]` : "";
    for (const attr of ["name", "data-testid", "data-test", "aria-label", "value"]) {
      const v = el.getAttribute(attr);
      if (v) {
        const sel = `${tag}${typePart}[${attr}="${esc(v)}"]`;
        if (isUnique(sel, el)) return sel;
      }
    }
    const parts = [];
    let node = el;
    while (node && node.nodeType === 1) {
      if (node !== el && node.id && isUnique("#" + esc(node.id), node)) {
        parts.unshift("#" + esc(node.id));
        break;
      }
      let part = node.tagName.toLowerCase();
      const parent = node.parentElement;
      if (parent) {
        const same = [...parent.children].filter((c) => c.tagName === node.tagName);
        if (same.length > 1) part += `:nth-of-type(${same.indexOf(node) + 1})`;
      }
      parts.unshift(part);
      const sel = parts.join(" > ");
      if (node !== el && !parent && isUnique(sel, el)) return sel;
      node = parent;
    }
    return parts.join(" > ");
  };

  const kindOf = (el) => {
    const tag = el.tagName.toLowerCase();
    const type = (el.getAttribute("type") || "").toLowerCase();
    const role = (el.getAttribute("role") || "").toLowerCase();
    if ((tag === "input" && type === "checkbox") || role === "checkbox" || role === "switch") {
      return "checkbox";
    }
    if ((tag === "input" && type === "radio") || role === "radio") return "radio";
    if (tag === "a") return "link";
    return "button";
  };

  const textOf = (el) => norm(el.innerText || el.textContent || "");

  // The label of a checkbox/radio and the elements that show it (for the screenshot box).
  const boxLabel = (el) => {
    const aria = el.getAttribute("aria-label");
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      const els = by.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean);
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
    let node = el.parentElement;
    for (let i = 0; node && i < 3; i += 1, node = node.parentElement) {
      const t = textOf(node);
      if (t) return t.length <= 300 ? { label: t, els: [node] } : { label: "", els: [] };
    }
    return { label: "", els: [] };
  };

  const buttonLabel = (el) =>
    norm(el.getAttribute("aria-label") || textOf(el) || el.value || el.getAttribute("title") || "");

  const docRect = (el) => {
    const r = el.getBoundingClientRect();
    return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
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

  const commonAncestor = (els) => {
    let node = els[0];
    while (node && !els.every((e) => node.contains(e))) node = node.parentElement;
    return node;
  };

  const describe = (el) => {
    const kind = kindOf(el);
    const { label, els } = kind === "button" || kind === "link"
      ? { label: buttonLabel(el), els: [] }
      : boxLabel(el);
    const own = docRect(el);
    let box = union([own, ...els.map(docRect)]);
    // A huge "label" (a whole section) would make the accept screenshot useless.
    if (box.height > 400 || box.width > 1600) box = own;
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
      checked = "checked" in el ? !!el.checked : el.getAttribute("aria-checked") === "true";
    }
    return {
      selector: uniqueSelector(el),
      kind,
      label,
      checked,
      visible: shown(el),
      labelSelector: visibleLabel ? uniqueSelector(visibleLabel) : null,
      box,
      keep,
      disabled: !!el.disabled || el.getAttribute("aria-disabled") === "true",
      shown: shown(el) || els.some(shown),
    };
  };

  const BOXES = 'input[type="checkbox"], input[type="radio"], [role="checkbox"], [role="switch"], [role="radio"]';
  const BUTTONS = 'button, input[type="submit"], input[type="button"], [role="button"]';

  const detect = () => {
    const boxes = [...document.querySelectorAll(BOXES)].map(describe)
      .filter((d) => d.shown && isAccept(d.label));
    const buttons = [...document.querySelectorAll(BUTTONS)].map(describe)
      .filter((d) => d.shown && d.label.length <= 80 && isAccept(d.label));
    return { boxes, buttons };
  };

  const links = () => [...document.querySelectorAll("a[href]")].map((a) => ({
    text: norm(a.innerText || a.getAttribute("aria-label") || a.getAttribute("title") || ""),
    href: a.href,
  }));

  const CAPTCHA = [
    'iframe[src*="recaptcha"]', 'iframe[src*="hcaptcha"]', 'iframe[src*="challenges.cloudflare.com"]',
    ".g-recaptcha", ".h-captcha", ".cf-turnstile", "#challenge-form", "#cf-challenge-running",
  ].join(", ");

  const info = () => ({
    text: document.body ? document.body.innerText : "",
    title: document.title || "",
    lang: document.documentElement.getAttribute("lang"),
    captchaWidget: !!document.querySelector(CAPTCHA),
    width: document.documentElement.scrollWidth,
    height: Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0),
  });

  return { detect, describe, links, info };
})();
