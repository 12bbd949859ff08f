// Write the stylesheet plotly.js would otherwise inject as an inline <style>
// (blocked by our CSP: style-src 'self' + nonce). plotly.js skips injecting
// when the page already has an element with id "plotly.js-style-global" and
// class "no-inline-styles" (plotly.js PR #7109), so the page links this file
// with that id and class.
//   node scripts/plotly-css.js static/vendor/plotly/plotly-basic-3.7.0.min.js \
//     > static/vendor/plotly/plotly-3.7.0.css
const fs = require("fs");
const source = fs.readFileSync(process.argv[2], "utf8");
const loop = source.indexOf("for(Pp in s6)");
const start = source.lastIndexOf("s6={", loop);
if (loop < 0 || start < 0) throw new Error("plotly's style rules not found; update the markers");
let depth = 0, end = start + 3;
for (; end < loop; end++) {
  if (source[end] === "{") depth++;
  if (source[end] === "}" && --depth === 0) break;
}
const rules = eval("(" + source.slice(start + 3, end + 1) + ")");
const out = ["/* plotly.js 3.7.0 global styles, extracted by scripts/plotly-css.js. MIT licence. */"];
for (const [selector, body] of Object.entries(rules)) {
  const full = selector.replace(/^,/, " ,").replace(/X/g, ".js-plotly-plot .plotly").replace(/Y/g, ".plotly-notifier");
  out.push(full + "{" + body + "}");
}
process.stdout.write(out.join("\n") + "\n");
