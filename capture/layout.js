// Scroll boxes and frames laid out in full for the PDF and the full-page screenshot, and put
// back as the site made them afterwards. Needs `lib` and `consent`. Defines `layout`.
const layout = (() => {
  const { shown, norm, allElements, uniqueSelector } = lib;
  const MARK = "data-contractvault-style";
  const NONE = "\u0000";

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

  // Terms kept in a closed <dialog> or <details> (opened by a "read the terms" button).
  const hiddenTerms = () => lib.queryDeep("dialog:not([open]), details:not([open])").filter((el) =>
    norm(el.textContent).length > 300 && lib.TERMS.test(el.textContent) &&
    !el.closest("nav, footer, [aria-hidden='true']"));

  const reveal = (el) => {
    save(el);
    el.setAttribute(MARK + "-opened", "");
    el.setAttribute("open", "");
    const s = el.style;
    for (const [k, v] of [["position", "static"], ["display", "block"], ["inset", "auto"],
      ["transform", "none"], ["max-height", "none"], ["height", "auto"], ["overflow", "visible"],
      ["margin", "1em 0"], ["width", "auto"], ["max-width", "none"]]) {
      s.setProperty(k, v, "important");
    }
  };

  // frames: [[iframeElement, contentHeight], ...]. Returns the boxes grown (as they were).
  const expand = (frames, child) => {
    for (const [el, height] of frames || []) {
      if (!el || !height) continue;
      save(el);
      el.style.setProperty("height", Math.ceil(height) + "px", "important");
      el.style.setProperty("max-height", "none", "important");
      el.setAttribute("scrolling", "no");
    }
    const grown = [];
    for (const el of hiddenTerms()) {
      grown.push({ el, info: { selector: uniqueSelector(el), closed: el.tagName.toLowerCase(),
        chars: norm(el.textContent).length } });
      reveal(el);
    }
    for (let round = 0; round < 4; round += 1) {
      const found = boxes(child).filter((el) => !grown.some((g) => g.el === el));
      if (!found.length) break;
      for (const el of found) {
        grown.push({ el, info: describeBox(el) });
        grow(el);
      }
    }
    return { boxes: grown.map((g) => g.info), ...lib.docSize() };
  };

  const restore = () => {
    for (const el of lib.queryDeep(`[${MARK}]`)) {
      const old = el.getAttribute(MARK);
      const top = Number(el.getAttribute(MARK + "-top") || 0);
      if (old === NONE) el.removeAttribute("style");
      else el.setAttribute("style", old);
      if (el.hasAttribute(MARK + "-opened")) {
        el.removeAttribute("open");
        el.removeAttribute(MARK + "-opened");
      }
      el.removeAttribute(MARK);
      el.removeAttribute(MARK + "-top");
      if (el.tagName === "IFRAME") el.removeAttribute("scrolling");
      el.scrollTop = top;
    }
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
    expand, restore, boxOf, readToEnd,
    boxes: (child) => [...boxes(child).map(describeBox), ...(child && frameScroll() ? [frameScroll()] : [])],
  };
})();
