// Open a sealed PDF with pdf.js, the PDF reader built into Firefox (Chromium's is PDFium, tested through
// pypdfium2): node scripts/pdfjs-open.mjs FILE PASSWORD, with PDFJS_DIST the folder of the npm package
// pdfjs-dist (npm install pdfjs-dist). Prints the first page's text; exit status 1 if it does not open.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const [file, password] = process.argv.slice(2);
const dist = process.env.PDFJS_DIST;
if (!dist || !file || password === undefined) {
  console.error("usage: PDFJS_DIST=node_modules/pdfjs-dist node scripts/pdfjs-open.mjs FILE PASSWORD");
  process.exit(2);
}
const { getDocument, version } = await import(pathToFileURL(join(dist, "legacy", "build", "pdf.mjs")).href);
try {
  const doc = await getDocument({ data: new Uint8Array(readFileSync(file)), password, verbosity: 0 }).promise;
  const page = await doc.getPage(1);
  const text = (await page.getTextContent()).items.map((item) => item.str).join(" ");
  console.log(`pdf.js ${version}: ${text}`);
} catch (error) {
  console.error(`pdf.js ${version}: ${error.name}: ${error.message}`);
  process.exit(1);
}
