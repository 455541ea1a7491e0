// cjk.mjs: does a page draw Chinese with a real CJK font? Two checks that
// fail when the font is missing: the platform fonts Chromium used for an
// element's text (DevTools CSS.getPlatformFontsForNode, the font actually
// picked for each glyph run), and a canvas comparison of Chinese glyphs in
// the element's font against a code point no font has (the tofu box).
export async function cjkRendering(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  await cdp.detach();
  const tofu = await page.$eval(selector, (el) => {
    const font = getComputedStyle(el).font;
    const c = document.createElement('canvas');
    c.width = 120; c.height = 60;
    const g = c.getContext('2d');
    const draw = (s) => {
      g.clearRect(0, 0, c.width, c.height);
      g.font = font.replace(/\d+(\.\d+)?px/, '40px');
      g.fillText(s, 4, 48);
      return g.getImageData(0, 0, c.width, c.height).data.join(',');
    };
    const missing = draw('\u{10FFFD}');
    const chars = Array.from(el.textContent).filter((ch) => /\p{Script=Han}/u.test(ch));
    return chars.length === 0 || chars.some((ch) => draw(ch) === missing);
  });
  return { fonts, tofu };
}
