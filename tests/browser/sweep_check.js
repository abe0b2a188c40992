// The sweep's check of one page: see test_sweep.py. Returns a list of problems.
({lang, allowed}) => {
  const problems = [];
  const vw = window.innerWidth;
  const de = document.documentElement;
  if (de.scrollWidth > vw) {
    // Name the widest culprit: the deepest visible element whose right edge passes the screen.
    let worst = null;
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width && r.right > vw + 1 && !el.closest('.table-scroll, .board-scroll')) worst = el;
    }
    const name = worst ? worst.tagName.toLowerCase() + (worst.className ? '.' + String(worst.className).split(' ').join('.') : '') : '?';
    problems.push(`overflow: page is ${de.scrollWidth}px wide (${name})`);
  }
  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none') return false;
    return el.getClientRects().length > 0;
  };
  for (const el of document.body.querySelectorAll('button, th, .button, label, .chip, .badge, input[type=submit], *')) {
    if (!visible(el)) continue;
    const s = getComputedStyle(el);
    const clips = ['hidden', 'clip'].includes(s.overflowX) || s.textOverflow === 'ellipsis';
    const tag = el.tagName;
    const control = tag === 'BUTTON' || tag === 'TH' || el.classList.contains('button');
    if (!(clips || control)) continue;
    if (el.closest('.table-scroll, .board-scroll, .visually-hidden, .sr-only')) continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && el.textContent.trim()) {
      problems.push(`clipped: <${tag.toLowerCase()}> "${el.textContent.trim().slice(0, 30)}" needs ${el.scrollWidth}px, has ${el.clientWidth}px`);
    }
  }
  // Words in another language on purpose (the language switch, the wordmark) carry a lang.
  const pageLang = (de.lang || lang).slice(0, 2);
  const otherLang = (el) => {
    const marked = el.closest('[lang]');
    return marked && marked !== de && marked.lang.slice(0, 2) !== pageLang;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue.trim();
    if (!text) continue;
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, noscript, template, textarea, select, [data-uc], code, pre, .visually-hidden, [hidden]')) continue;
    if (!visible(parent) || otherLang(parent)) continue;
    let bad = [];
    if (lang === 'en') {
      if (/[\u3400-\u9fff]/.test(text)) bad = [text.slice(0, 40)];
    } else {
      bad = (text.match(/[A-Za-z][A-Za-z'-]+/g) || []).filter((w) => !allowed.includes(w.toLowerCase()));
      bad = bad.length ? [text.slice(0, 40)] : [];
    }
    for (const b of bad) if (!seen.has(b)) { seen.add(b); problems.push(`${lang === 'en' ? 'Chinese' : 'English'} UI text: "${b}"`); }
  }
  for (const attr of ['placeholder', 'title', 'aria-label', 'alt']) {
    for (const el of document.body.querySelectorAll(`[${attr}]`)) {
      if (el.closest('[data-uc]') || otherLang(el)) continue;
      const text = el.getAttribute(attr);
      const bad = lang === 'en' ? /[\u3400-\u9fff]/.test(text)
        : (text.match(/[A-Za-z][A-Za-z'-]+/g) || []).some((w) => !allowed.includes(w.toLowerCase()));
      if (bad && !seen.has(text)) { seen.add(text); problems.push(`${lang === 'en' ? 'Chinese' : 'English'} ${attr}: "${text.slice(0, 40)}"`); }
    }
  }
  return problems;
}
