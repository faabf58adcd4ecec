// The agreement's main content, without page furniture: no navigation, page header or
// footer, cookie/consent dialogs, buttons or form controls. Needs `lib`, `consent`,
// `detect` and Mozilla's Readability (vendor/Readability.js). Defines `content`.
const content = (() => {
  const { norm, flatCopy, layoutText } = lib;

  const CONTROL_TAGS = new Set(["BUTTON", "INPUT", "SELECT", "TEXTAREA", "OPTION"]);
  const CONTROL_ROLES = /^(button|checkbox|switch|radio|menu|menubar|menuitem|tab|tablist|toolbar|navigation|banner|contentinfo|search)$/;

  const furnitureFilter = (dialogs) => (el) => {
    if (CONTROL_TAGS.has(el.tagName)) return true;
    const role = (el.getAttribute("role") || "").toLowerCase();
    if (CONTROL_ROLES.test(role)) return true;
    if (el.tagName === "NAV") return true;
    if ((el.tagName === "HEADER" || el.tagName === "FOOTER") && detect.furniture(el)) return true;
    if (dialogs.some((d) => d === el)) return true;
    // A checkbox's own short label is the acceptance, not the agreement.
    if (el.tagName === "LABEL" && el.querySelector && (el.control || el.querySelector("input")) &&
        norm(el.innerText).length < 300) {
      return true;
    }
    return false;
  };

  // Paragraph-sized blocks and list/table rows of a tree: what must not be lost.
  const blocks = (root) => {
    const out = [];
    for (const el of root.querySelectorAll("p, li, tr, dd, dt, blockquote, pre, h1, h2, h3, h4, h5, h6, div")) {
      if (el.tagName === "DIV" && el.querySelector("p, div, li, table, ul, ol, h1, h2, h3, h4, h5, h6")) continue;
      const t = norm(el.textContent);
      if (t.length >= 3) out.push({ t, long: t.length >= 100, row: el.tagName === "LI" || el.tagName === "TR" });
    }
    return out;
  };

  // Joined row parts: no empty parts (a <br> after an image, two <br> in a row).
  const tidy = (text) => text.replace(/(?:[ \t]*·[ \t]*){2,}/g, " · ")
    .replace(/^[ \t]*·[ \t]*/gm, "").replace(/[ \t]*·[ \t]*$/gm, "");

  // frames: [[iframeElement, text, contentHtml], ...] from the caller, each frame read in itself.
  const main = (frames, child) => {
    if (!document.body) return { text: "", html: "", method: "empty" };
    const dialogs = consent.roots(child);
    const live = (frames || []).filter((f) => f[0] && lib.shown(f[0]) && f[2] !== null);
    // Terms kept in a closed <dialog> (a "read the terms" button opens it) are the agreement.
    const closedTerms = (el) => el.tagName === "DIALOG" && !el.open &&
      norm(el.textContent).length > 300 && lib.TERMS.test(el.textContent);
    const tree = flatCopy(document.body, live, furnitureFilter(dialogs), closedTerms);
    if (!tree) return { text: "", html: "", method: "empty" };
    // One line per table row and list entry: a <br> inside one joins its parts instead, so
    // a recheck can tell rows added from rows removed.
    for (const br of tree.querySelectorAll("tr br, li br")) {
      br.replaceWith(document.createTextNode(" · "));
    }
    const cleanedHtml = tree.innerHTML;
    const cleanedText = layoutText(tree.cloneNode(true));
    if (child) return { text: cleanedText, html: cleanedHtml, method: "cleaned" };

    // Readability decides what is the article. It must not lose a paragraph or a row of the
    // cleaned page: where it would, the whole cleaned page is the agreement instead.
    let article = null;
    try {
      const doc = document.implementation.createHTMLDocument(document.title || "");
      doc.body.innerHTML = cleanedHtml;
      article = new Readability(doc, { charThreshold: 200, keepClasses: false }).parse();
    } catch (e) {
      article = null;
    }
    if (article && article.content) {
      const holder = document.createElement("div");
      holder.innerHTML = article.content;
      const read = norm(holder.textContent);
      const have = blocks(tree);
      const lostLong = have.filter((b) => b.long && !read.includes(b.t));
      const rows = have.filter((b) => b.row);
      const lostRows = rows.filter((b) => !read.includes(b.t));
      const longChars = have.filter((b) => b.long).reduce((n, b) => n + b.t.length, 0);
      const lostChars = lostLong.reduce((n, b) => n + b.t.length, 0);
      const keepsProse = lostChars <= 0.02 * Math.max(1, longChars);
      const keepsRows = lostRows.length <= 0.1 * rows.length;
      if (keepsProse && keepsRows && read.length >= 0.3 * norm(cleanedText).length) {
        return { text: tidy(layoutText(holder)), html: article.content, method: "readability" };
      }
    }
    return { text: tidy(cleanedText), html: cleanedHtml, method: "cleaned" };
  };

  return { main };
})();
