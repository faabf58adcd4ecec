// Collapsed content opened, and scroll boxes and frames laid out in full, for the text, the
// PDF and the full-page screenshot; put back as the site made them afterwards. Needs `lib`,
// `consent` and `detect`. Defines `layout`.
const layout = (() => {
  const { shown, norm, allElements, uniqueSelector } = lib;
  const MARK = "data-contractvault-style";
  const NONE = "\u0000";
  const OPENED = MARK + "-opened";  // what kind of collapsed content was opened
  const ATTRS = MARK + "-attrs";  // the attributes opening changed, as they were (JSON)

  const clipped = (el) => {
    const cs = getComputedStyle(el);
    return /(auto|scroll|hidden|overlay|clip)/.test(cs.overflowY + " " + cs.overflow) &&
      el.scrollHeight > el.clientHeight + 4;
  };

  // Boxes whose text is cut off by their own height: [{el, ...}] (consent dialogs left out).
  const boxes = (child) => {
    const dialogs = consent.roots(child);
    const found = allElements().filter((el) => el !== document.documentElement && shown(el) &&
      clipped(el) && norm(el.innerText).length > 40 &&
      !dialogs.some((d) => lib.containsDeep(d, el)));
    return found;
  };
  // A frame's own viewport scrolls like a box: how far had it been read?
  const frameScroll = () => {
    const el = document.scrollingElement || document.documentElement;
    return el.scrollHeight > el.clientHeight + 4 && norm(document.body ? document.body.innerText : "").length > 200
      ? { ...describeBox(el), selector: ":root", frameViewport: true } : null;
  };

  const describeBox = (el) => ({
    selector: uniqueSelector(el),
    scrollTop: Math.round(el.scrollTop),
    scrollHeight: el.scrollHeight,
    clientHeight: el.clientHeight,
    chars: norm(el.innerText).length,
    scrolledTo: el.scrollHeight ? Math.min(1, (el.scrollTop + el.clientHeight) / el.scrollHeight) : 1,
  });

  const save = (el) => {
    if (!el.hasAttribute(MARK)) {
      el.setAttribute(MARK, el.hasAttribute("style") ? el.getAttribute("style") : NONE);
      el.setAttribute(MARK + "-top", String(el.scrollTop));
    }
  };

  const grow = (el) => {
    save(el);
    const s = el.style;
    s.setProperty("max-height", "none", "important");
    s.setProperty("height", "auto", "important");
    s.setProperty("overflow", "visible", "important");
    const cs = getComputedStyle(el);
    // A fixed full-window shell would print on every page: let it flow instead.
    if (cs.position === "fixed" && el.getBoundingClientRect().height >= 0.7 * window.innerHeight) {
      s.setProperty("position", "relative", "important");
    }
  };

  // -- collapsed content ---------------------------------------------------------------
  // Terms are often in the DOM but collapsed: annexes in a closed <details>, accordion
  // panels (aria-expanded="false" on their button, the panel hidden or aria-hidden), tab
  // panels not selected, hidden="until-found", terms in a closed <dialog>. Menus, navigation,
  // the page's own header and footer and consent dialogs are left as they are.
  const MIN_COLLAPSED_CHARS = 40;
  const MENUISH = 'nav, [role="navigation"], [role="menu"], [role="menubar"], [role="listbox"], ' +
    '[role="tree"], [role="tooltip"], [role="combobox"], [role="search"]';
  const SKIP_PANEL = /^(SCRIPT|STYLE|TEMPLATE|NOSCRIPT|HTML|BODY|HEAD|DIALOG|IFRAME)$/;

  const byId = (el, id) => {
    const root = el.getRootNode();
    return (root.getElementById ? root.getElementById(id) : null) || document.getElementById(id);
  };
  const collapsedNow = (el) => {
    if (el.hidden || el.getAttribute("aria-hidden") === "true" || el.hasAttribute("inert")) return true;
    const cs = getComputedStyle(el);
    if (cs.display === "none" || cs.visibility === "hidden" || cs.visibility === "collapse" ||
        cs.contentVisibility === "hidden" || parseFloat(cs.opacity) === 0) return true;
    return el.getBoundingClientRect().height < 2;
  };
  const visibleNow = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) return false;
    return el.checkVisibility ? el.checkVisibility({ visibilityProperty: true, opacityProperty: true }) : true;
  };
  const chars = (el) => norm(el.textContent).length;
  const label = (s) => norm(s).slice(0, 120);

  // The panels a collapsed control opens: aria-controls, else (the ARIA accordion pattern) the
  // element after the button or after the heading the button sits in.
  const panelsOf = (ctrl) => {
    const ids = (ctrl.getAttribute("aria-controls") || "").split(/\s+/).filter(Boolean);
    if (ids.length) return ids.map((id) => byId(ctrl, id)).filter(Boolean);
    const head = ctrl.closest('h1, h2, h3, h4, h5, h6, [role="heading"]');
    const next = (head || ctrl).nextElementSibling;
    return next ? [next] : [];
  };

  // [{el, kind, label}] of the collapsed content in this frame.
  const collapsed = (child) => {
    const dialogs = consent.roots(child);
    const left = (el) => !!lib.closestDeep(el, MENUISH) || !!detect.furniture(el) ||
      dialogs.some((d) => lib.containsDeep(d, el) || lib.containsDeep(el, d));
    const found = [];
    const add = (el, kind, text) => {
      if (!el || found.some((f) => f.el === el)) return;
      if ((kind === "panel" || kind === "tabpanel") && SKIP_PANEL.test(el.tagName)) return;
      if (el.hasAttribute(OPENED) || left(el)) return;
      found.push({ el, kind, label: label(text) });
    };
    for (const el of lib.queryDeep("details:not([open])")) {
      const summary = [...el.children].find((c) => c.tagName === "SUMMARY");
      const own = chars(el) - (summary ? chars(summary) : 0);
      if (own >= MIN_COLLAPSED_CHARS) add(el, "details", summary ? summary.textContent : "");
    }
    // A closed <dialog> is often something else (a warning, a form): only terms are opened.
    for (const el of lib.queryDeep("dialog:not([open])")) {
      if (chars(el) > 300 && lib.TERMS.test(el.textContent) && !el.closest("[aria-hidden='true']")) {
        const head = el.querySelector("h1, h2, h3, h4, h5, h6");
        add(el, "dialog", head ? head.textContent : el.getAttribute("aria-label") || "");
      }
    }
    const controls = lib.queryDeep('[aria-expanded="false"], [role="tab"]:not([aria-selected="true"])');
    for (const ctrl of controls) {
      const popup = (ctrl.getAttribute("aria-haspopup") || "false").toLowerCase();
      if (popup !== "false" || left(ctrl)) continue;
      const tab = ctrl.getAttribute("role") === "tab";
      const panels = tab
        ? (ctrl.getAttribute("aria-controls") || "").split(/\s+/).filter(Boolean).map((id) => byId(ctrl, id)).filter(Boolean)
        : panelsOf(ctrl);
      for (const panel of panels) {
        if (collapsedNow(panel) && chars(panel) >= MIN_COLLAPSED_CHARS) {
          add(panel, tab ? "tabpanel" : "panel", lib.buttonLabel(ctrl));
        }
      }
    }
    for (const panel of lib.queryDeep('[role="tabpanel"], [hidden="until-found"]')) {
      if (!collapsedNow(panel) || chars(panel) < MIN_COLLAPSED_CHARS) continue;
      const by = (panel.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean)
        .map((id) => byId(panel, id)).filter(Boolean);
      add(panel, panel.getAttribute("role") === "tabpanel" ? "tabpanel" : "panel",
        by.map((b) => b.textContent).join(" ") || panel.getAttribute("aria-label") || "");
    }
    return found;
  };

  const open = (el, kind) => {
    save(el);
    if (!el.hasAttribute(ATTRS)) {
      const old = {};
      for (const a of ["open", "hidden", "aria-hidden", "inert"]) old[a] = el.getAttribute(a);
      el.setAttribute(ATTRS, JSON.stringify(old));
    }
    el.setAttribute(OPENED, kind);
    const s = el.style;
    if (kind === "details") {
      el.setAttribute("open", "");
      return;
    }
    if (kind === "dialog") {
      el.setAttribute("open", "");
      for (const [k, v] of [["position", "static"], ["display", "block"], ["inset", "auto"],
        ["transform", "none"], ["max-height", "none"], ["height", "auto"], ["overflow", "visible"],
        ["margin", "1em 0"], ["width", "auto"], ["max-width", "none"]]) {
        s.setProperty(k, v, "important");
      }
      return;
    }
    for (const a of ["hidden", "aria-hidden", "inert"]) el.removeAttribute(a);
    if (getComputedStyle(el).display === "none") s.setProperty("display", "block", "important");
    for (const [k, v] of [["visibility", "visible"], ["height", "auto"], ["max-height", "none"],
      ["overflow", "visible"], ["opacity", "1"], ["transition", "none"],
      ["content-visibility", "visible"]]) {
      s.setProperty(k, v, "important");
    }
  };

  const putBack = (el) => {
    const old = el.getAttribute(MARK);
    const top = Number(el.getAttribute(MARK + "-top") || 0);
    if (old === NONE) el.removeAttribute("style");
    else if (old !== null) el.setAttribute("style", old);
    const attrs = el.getAttribute(ATTRS);
    if (attrs) {
      for (const [a, v] of Object.entries(JSON.parse(attrs))) {
        if (v === null) el.removeAttribute(a);
        else el.setAttribute(a, v);
      }
    }
    for (const a of [MARK, MARK + "-top", ATTRS, OPENED]) el.removeAttribute(a);
    if (el.tagName === "IFRAME") el.removeAttribute("scrolling");
    el.scrollTop = top;
  };

  // Open every collapsed part of this frame; returns what was opened. Idempotent: what is
  // open already is not found again. A part that stays invisible (its container is hidden,
  // e.g. a dismissed consent dialog's settings) is put back and not reported.
  const reveal = (child) => {
    const found = collapsed(child);
    for (const f of found) open(f.el, f.kind);
    const opened = [];
    for (const f of found) {
      if (visibleNow(f.el)) {
        opened.push({ selector: uniqueSelector(f.el), kind: f.kind, label: f.label, chars: chars(f.el) });
      } else {
        putBack(f.el);
      }
    }
    return opened;
  };

  // frames: [[iframeElement, contentHeight], ...]. Opens collapsed content first, then grows
  // the scroll boxes; returns the boxes grown (as they were) and what was opened.
  const expand = (frames, child) => {
    for (const [el, height] of frames || []) {
      if (!el || !height) continue;
      save(el);
      el.style.setProperty("height", Math.ceil(height) + "px", "important");
      el.style.setProperty("max-height", "none", "important");
      el.setAttribute("scrolling", "no");
    }
    const opened = reveal(child);
    const grown = [];
    for (let round = 0; round < 4; round += 1) {
      const found = boxes(child).filter((el) => !grown.some((g) => g.el === el));
      if (!found.length) break;
      for (const el of found) {
        grown.push({ el, info: describeBox(el) });
        grow(el);
      }
    }
    return { boxes: grown.map((g) => g.info), opened, ...lib.docSize() };
  };

  const restore = () => {
    for (const el of lib.queryDeep(`[${MARK}]`)) putBack(el);
    return true;
  };

  // The scroll box around `el` (or the largest one with text), as it is now.
  const boxOf = (el, child) => {
    for (let up = el ? lib.parentOf(el) : null; up && up !== document.body; up = lib.parentOf(up)) {
      if (up.nodeType === 1 && clipped(up) && norm(up.innerText).length > 200) {
        return { ...describeBox(up), holdsControl: true };
      }
    }
    const all = boxes(child).sort((a, b) => norm(b.innerText).length - norm(a.innerText).length);
    if (all.length) return { ...describeBox(all[0]), holdsControl: false };
    const own = child ? frameScroll() : null;
    return own ? { ...own, holdsControl: !!el } : null;
  };

  // Scroll the terms' box to its end as a reader would (some sites enable the box only then).
  const readToEnd = (child) => {
    const done = [];
    for (const el of boxes(child)) {
      if (norm(el.innerText).length < 200) continue;
      el.scrollTop = el.scrollHeight;
      el.dispatchEvent(new Event("scroll", { bubbles: true }));
      done.push(describeBox(el));
    }
    const own = child ? frameScroll() : null;
    if (own) {
      window.scrollTo(0, document.scrollingElement.scrollHeight);
      done.push({ ...frameScroll(), selector: ":root", frameViewport: true });
    }
    return done;
  };

  return {
    expand, reveal, restore, boxOf, readToEnd,
    boxes: (child) => [...boxes(child).map(describeBox), ...(child && frameScroll() ? [frameScroll()] : [])],
  };
})();
