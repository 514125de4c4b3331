// Browser tests: Playwright (playwright-core driving Debian's Chromium) walks
// the main journeys as each role would, takes a screenshot of every page and
// runs axe-core (WCAG 2.1 A and AA) on it. Any violation fails the run.
//
//   node tests/browser/journeys.mjs http://127.0.0.1:8080 DATA_DIR/demo-logins.txt OUT_DIR
import { chromium } from "playwright-core";
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [base, loginsFile, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const passwords = Object.fromEntries(
  readFileSync(loginsFile, "utf8")
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4 && f[0].includes("."))
    .map((f) => [f[0], f[f.length - 1]]),
);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const failures = [];
let shot = 0;

async function check(page, what) {
  shot += 1;
  const name = `${String(shot).padStart(2, "0")}-${what.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`;
  await page.screenshot({ path: `${outDir}/${name}.png`, fullPage: true });
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  for (const v of result.violations) {
    failures.push(`${what} (${page.url()}): ${v.id} — ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  }
  console.log(`${result.violations.length === 0 ? "ok " : "FOUT"} ${what} ${page.url()}`);
}

async function visit(page, path, what) {
  const resp = await page.goto(base + path);
  if (!resp || resp.status() >= 400) {
    failures.push(`${what}: ${path} gaf ${resp ? resp.status() : "geen antwoord"}`);
  }
  await check(page, what);
}

async function login(user) {
  // zothuis forbids inline scripts (CSP); only the test injects axe.
  const context = await browser.newContext({ locale: "nl-NL", viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(base + "/inloggen");
  await check(page, `inloggen ${user}`);
  await page.fill("#veld-gebruikersnaam", user);
  await page.fill("#veld-wachtwoord", passwords[user]);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  return { context, page };
}

async function submit(page) {
  await Promise.all([page.waitForNavigation(), page.click("main form.zt-form button[type=submit]")]);
}

function expectUrl(page, pattern, what) {
  if (!pattern.test(page.url())) failures.push(`${what}: kwam uit op ${page.url()}`);
}

const today = new Date().toISOString().slice(0, 10);

async function submitForm(page, anchor) {
  await Promise.all([page.waitForNavigation(), page.click(`#${anchor} button[type=submit]`)]);
}

async function selectByLabel(page, select, pattern) {
  const value = await page.$eval(
    select,
    (el, source) => {
      const re = new RegExp(source, "i");
      const o = Array.from(el.options).find((x) => x.value && re.test(x.textContent));
      return o ? o.value : null;
    },
    pattern.source,
  );
  if (value === null) throw new Error(`${select}: geen keuze die past bij ${pattern}`);
  await page.selectOption(select, value);
}

// The consultant registers a client, records the address, the application
// and the decision, which puts the client on the waiting list.
let decision = "";
let client = "";
{
  const { context, page } = await login("consulent.huizen");
  await check(page, "overzicht consulent");
  await visit(page, "/clienten", "clienten");
  await visit(page, "/clienten/mogelijke-dubbelen", "mogelijke dubbele registraties");
  await visit(page, "/account/tweede-factor", "tweede factor instellen");
  await visit(page, "/clienten/nieuw", "client registreren");
  await page.fill("#veld-voornaam", "Noor");
  await page.fill("#veld-achternaam", "Visser");
  await page.fill("#veld-geboortedatum", "1988-03-14");
  await page.fill("#veld-bsn", "999990020");
  await submit(page);
  expectUrl(page, /\/clienten\/\d+\?melding=aangemaakt$/, "client registreren");
  const noor = page.url().match(/\/clienten\/(\d+)/)[1];
  await check(page, "client geregistreerd");
  await page.selectOption("#veld-soort", "woonadres");
  await page.selectOption("#veld-gemeenteCode", "GM0406");
  await page.fill("#veld-ingangsdatum", "2019-01-01");
  await submitForm(page, "adres");
  await check(page, "adres vastgelegd");
  await selectByLabel(page, "#veld-productId", /intramuraal|beschermd wonen/);
  await page.fill("#veld-aanmelddatum", today);
  await page.selectOption("#veld-bron", "huisarts");
  await submitForm(page, "aanmelding");
  expectUrl(page, /\/aanmeldingen\/\d+/, "aanmelding");
  await check(page, "aanmelding");
  await page.selectOption("#veld-uitkomst", "toegekend");
  await page.fill("#veld-besluitdatum", today);
  await page.fill("#veld-geldigVanaf", today);
  await page.fill("#veld-beschikkingsnummer", "HZ-BROWSER-1");
  await submitForm(page, "beschikking");
  expectUrl(page, /\/beschikkingen\/\d+/, "beschikking");
  decision = page.url().match(/\/beschikkingen\/(\d+)/)[1];
  client = noor;
  await check(page, "beschikking");
  await visit(page, "/wachtlijst", "wachtlijst consulent");
  // Noor was registered once more at the desk, without BSN and with a
  // typo: the consultant compares both records and merges them.
  await page.goto(base + "/clienten/nieuw");
  await page.fill("#veld-voornaam", "Noor");
  await page.fill("#veld-achternaam", "Fisser");
  await page.fill("#veld-geboortedatum", "1988-03-14");
  await submit(page);
  const twin = page.url().match(/\/clienten\/(\d+)/)[1];
  await visit(page, "/clienten/mogelijke-dubbelen", "mogelijke dubbele registraties met Noor");
  await visit(page, `/clienten/${twin}/samenvoegen?met=${noor}`, "dossiers vergelijken");
  await selectByLabel(page, "#veld-behouden", /Noor Visser/);
  await page.fill("#veld-reden", "Zelfde persoon, aan de balie zonder BSN geregistreerd");
  await submitForm(page, "samenvoegen");
  expectUrl(page, new RegExp(`/clienten/${noor}\\?melding=samengevoegd$`), "samenvoegen");
  await check(page, "dossiers samengevoegd");
  await visit(page, `/clienten/${twin}`, "samengevoegd dossier");
  await context.close();
}

// The waiting-list manager makes the client actively waiting and sends
// them to a provider for screening.
{
  const { context, page } = await login("wachtlijst.gv");
  await visit(page, "/wachtlijst", "wachtlijst");
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: /Visser/ }).first().click()]);
  await check(page, "wachtlijstplaatsing");
  await page.selectOption("#veld-status", "actief-wachtend");
  await page.fill("#veld-ingangsdatum", today);
  await submitForm(page, "status");
  await page.selectOption("#veld-status", "in-screening");
  await selectByLabel(page, "#veld-aanbiederId", /Kwintes/);
  await page.fill("#veld-ingangsdatum", today);
  await submitForm(page, "status");
  await check(page, "naar screening");
  await context.close();
}

// The provider accepts the client and places them at a location.
{
  const { context, page } = await login("aanbieder.kwintes");
  await visit(page, "/wachtlijst", "wachtlijst aanbieder");
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: /Visser/ }).first().click()]);
  await check(page, "screening aanbieder");
  await page.selectOption("#veld-uitkomst", "geaccepteerd");
  await page.fill("#veld-datum", today);
  await submitForm(page, "screening");
  await check(page, "screening vastgelegd");
  await selectByLabel(page, "#veld-locatieId", /./);
  await page.fill("#veld-startdatum", today);
  await submitForm(page, "plaatsing");
  expectUrl(page, /\/verblijven\/\d+/, "plaatsing");
  await check(page, "verblijf");
  await visit(page, "/verblijven", "verblijven aanbieder");
  await context.close();
}

// The consultant assigns the decision to Kwintes, where the client is now
// placed: an iWmo WMO301 is put ready. Kwintes fetches it and its own
// system reports the start with a WMO305, which it uploads.
{
  const { context, page } = await login("consulent.huizen");
  await visit(page, `/beschikkingen/${decision}`, "beschikking met toewijzen");
  await selectByLabel(page, "#veld-aanbiederId", /Kwintes/);
  await submitForm(page, "toewijzen");
  expectUrl(page, /melding=toegewezen$/, "toewijzen");
  await check(page, "toegewezen");
  await context.close();
}
{
  const { context, page } = await login("aanbieder.kwintes");
  await visit(page, "/berichten", "berichten aanbieder");
  const href = await page.locator('a[href$="/inhoud"]').first().getAttribute("href");
  const xml = await (await page.request.get(base + href)).text();
  const field = (name) => xml.match(new RegExp(`${name}>([^<]+)<`))[1];
  const start = `<?xml version="1.0" encoding="UTF-8"?>
<Bericht xmlns="http://www.istandaarden.nl/iwmo/3_2/wmo305/schema" xmlns:iwmo="http://www.istandaarden.nl/iwmo/3_2/basisschema/schema">
<Header><BerichtCode>418</BerichtCode><BerichtVersie>3</BerichtVersie><BerichtSubversie>2</BerichtSubversie>
<Afzender>${field("Ontvanger")}</Afzender><Ontvanger>${field("Afzender")}</Ontvanger>
<BerichtIdentificatie><iwmo:Identificatie>BROWSER-1</iwmo:Identificatie><iwmo:Dagtekening>${today}</iwmo:Dagtekening></BerichtIdentificatie>
<XsdVersie><iwmo:BasisschemaXsdVersie>1.0.0</iwmo:BasisschemaXsdVersie><iwmo:BerichtXsdVersie>1.0.0</iwmo:BerichtXsdVersie></XsdVersie></Header>
<Client><Bsn>${field("Bsn")}</Bsn><Geboortedatum><iwmo:Datum>1988-03-14</iwmo:Datum></Geboortedatum><Geslacht>0</Geslacht>
<Naam><iwmo:Geslachtsnaam><iwmo:Achternaam>Visser</iwmo:Achternaam></iwmo:Geslachtsnaam></Naam>
<StartProducten><StartProduct><ToewijzingNummer>${field("ToewijzingNummer")}</ToewijzingNummer><Begindatum>${today}</Begindatum><StatusAanlevering>1</StatusAanlevering></StartProduct></StartProducten>
</Client></Bericht>`;
  await page.setInputFiles("#veld-bestand", { name: "start.xml", mimeType: "application/xml", buffer: Buffer.from(start) });
  await submitForm(page, "aanleveren");
  await check(page, "startbericht ontvangen");
  if (!(await page.content()).includes("WMO305 ontvangen en verwerkt")) {
    failures.push("startbericht: niet verwerkt");
  }
  await visit(page, `/clienten/${client}/berichten`, "iwmo-berichten van de client");
  // Its system asks to change the assignment (WMO317): a task for the
  // consultant, answered on the task page.
  const vow = `<?xml version="1.0" encoding="UTF-8"?>
<Bericht xmlns="http://www.istandaarden.nl/iwmo/3_2/wmo317/schema" xmlns:iwmo="http://www.istandaarden.nl/iwmo/3_2/basisschema/schema">
<Header><BerichtCode>480</BerichtCode><BerichtVersie>3</BerichtVersie><BerichtSubversie>2</BerichtSubversie>
<Afzender>${field("Ontvanger")}</Afzender><Ontvanger>${field("Afzender")}</Ontvanger>
<BerichtIdentificatie><iwmo:Identificatie>BROWSER-2</iwmo:Identificatie><iwmo:Dagtekening>${today}</iwmo:Dagtekening></BerichtIdentificatie>
<XsdVersie><iwmo:BasisschemaXsdVersie>1.0.0</iwmo:BasisschemaXsdVersie><iwmo:BerichtXsdVersie>1.0.0</iwmo:BerichtXsdVersie></XsdVersie></Header>
<Client><Bsn>${field("Bsn")}</Bsn><Verzoek><ReferentieAanbieder>BROWSER-VOW-1</ReferentieAanbieder><RedenVerzoek>1</RedenVerzoek>
<TeWijzigenProducten><TeWijzigenProduct><ToewijzingNummer>${field("ToewijzingNummer")}</ToewijzingNummer><GewensteIngangsdatum>${field("Ingangsdatum")}</GewensteIngangsdatum></TeWijzigenProduct></TeWijzigenProducten>
</Verzoek></Client></Bericht>`;
  await visit(page, "/berichten", "berichten aanbieder na start");
  await page.setInputFiles("#veld-bestand", { name: "verzoek.xml", mimeType: "application/xml", buffer: Buffer.from(vow) });
  await submitForm(page, "aanleveren");
  await check(page, "verzoek om wijziging ontvangen");
  if (!(await page.content()).includes("WMO317 ontvangen en verwerkt")) {
    failures.push("verzoek om wijziging: niet verwerkt");
  }
  await context.close();
}
{
  const { context, page } = await login("consulent.huizen");
  await visit(page, "/verzoeken", "verzoeken van aanbieders");
  const task = await page.locator('a[href^="/verzoeken/"]').first().getAttribute("href");
  await visit(page, task, "verzoek van een aanbieder");
  await page.selectOption("#veld-antwoord", "afwijzen");
  await submitForm(page, "beantwoorden");
  await check(page, "verzoek beantwoorden met fouten");
  await page.selectOption("#veld-antwoord", "afwijzen");
  await page.selectOption("#veld-reden", "7");
  await submitForm(page, "beantwoorden");
  expectUrl(page, /melding=verzoek-beantwoord$/, "verzoek beantwoorden");
  await check(page, "verzoek beantwoord");
  await context.close();
}

// The provider nominates the placed client for a home of their own; the
// regional manager records the Pact agreement and the allocation.
let nomination = "";
{
  const { context, page } = await login("aanbieder.kwintes");
  await visit(page, "/uitstroom", "uitstroom aanbieder");
  await visit(page, "/uitstroom/nieuw", "voordracht: client kiezen");
  await selectByLabel(page, "#veld-client", /Noor Visser \(14 maart 1988\)/);
  await Promise.all([page.waitForNavigation(), page.click("#client-kiezen button[type=submit]")]);
  await check(page, "voordracht uitstroom");
  await page.selectOption("#veld-route", "pact");
  await page.selectOption("#veld-uitstroomUit", "bw");
  await selectByLabel(page, "#veld-verblijfId", /Kwintes/);
  await page.selectOption("#veld-gemeente", "GM0402");
  await submit(page);
  expectUrl(page, /\/uitstroom\/\d+\?melding=voorgedragen$/, "voordragen");
  await check(page, "voordracht");
  nomination = new URL(page.url()).pathname;
  await context.close();
}
{
  const { context, page } = await login("wachtlijst.gv");
  await visit(page, "/uitstroom/afspraken", "pact-afspraken");
  await page.selectOption("#veld-gemeente", "GM0402");
  await page.fill("#veld-woningen", "10");
  await submitForm(page, "afspraak");
  expectUrl(page, /\/uitstroom\/afspraken\?melding=afspraak$/, "afspraak vastleggen");
  await check(page, "afspraak vastgelegd");
  await visit(page, "/uitstroom", "uitstroom wachtlijstbeheerder");
  await visit(page, nomination, "voordracht wachtlijstbeheerder");
  await selectByLabel(page, "#veld-corporatieId", /Dudok Wonen/);
  await page.selectOption("#veld-adresgemeente", "GM0402");
  await page.fill("#veld-sleuteldatum", today);
  await submitForm(page, "wijzigen");
  expectUrl(page, /\/uitstroom\/\d+\?melding=opgeslagen$/, "toewijzing vastleggen");
  await check(page, "toewijzing vastgelegd");
  await context.close();
}

// A corporation's staff see the candidates offered to their corporation,
// without care data, and nothing else.
{
  const { context, page } = await login("corporatie.gooi");
  await check(page, "overzicht corporatie");
  await visit(page, "/corporatie", "voordrachten aan corporatie");
  const first = await page.$("main table a[href^='/corporatie/']");
  if (first) {
    await visit(page, await first.getAttribute("href"), "voordracht voor corporatie");
  } else {
    failures.push("voordrachten aan corporatie: geen voordracht in de demo");
  }
  await context.close();
}

// The central access point registers a new person and records the outcome.
{
  const { context, page } = await login("toegang.gv");
  await check(page, "overzicht centrale toegang");
  await visit(page, "/meldingen-opvang", "meldingen opvang");
  await visit(page, "/meldingen-opvang/nieuw", "melding registreren");
  await page.fill("#veld-voornaam", "Sam");
  await page.fill("#veld-achternaam", "Zonderdak");
  await page.fill("#veld-geboortedatum", "1981-05-06");
  await page.selectOption("#veld-soort", "traject");
  await page.selectOption("#veld-herkomstOpgegeven", "GM0406");
  await submit(page);
  expectUrl(page, /\/meldingen-opvang\/\d+\?melding=aangemaakt$/, "melding registreren");
  await check(page, "melding geregistreerd");
  await page.selectOption("#veld-uitkomst", "zelfredzaam");
  await page.fill("#veld-uitkomstdatum", today);
  await submitForm(page, "wijzigen");
  expectUrl(page, /\/meldingen-opvang\/\d+\?melding=opgeslagen$/, "uitkomst vastleggen");
  await check(page, "uitkomst vastgelegd");
  await visit(page, "/clienten", "personen centrale toegang");
  await visit(page, "/cijfers", "cijfers centrale toegang");
  await context.close();
}

// The outreach team records a first melding about someone who finds no
// care, adds a second and closes the trajectory with its outcome.
{
  const { context, page } = await login("zorgcoordinatie.gv");
  await check(page, "overzicht zorgcoordinatie");
  await visit(page, "/zorgcoordinatie", "zorgcoordinatie");
  await visit(page, "/zorgcoordinatie/nieuw", "eerste melding zorgcoordinatie");
  await submit(page);
  await check(page, "eerste melding met fouten");
  await page.fill("#veld-persoon", "Vrouw, ca. 40, woont in een caravan");
  await page.selectOption("#veld-gemeente", "GM0406");
  await page.fill("#veld-meldingsdatum", today);
  await page.selectOption("#veld-bron", "corporatie");
  await submit(page);
  expectUrl(page, /\/zorgcoordinatie\/\d+\?melding=traject-geopend$/, "eerste melding");
  await check(page, "traject geopend");
  await page.selectOption("#veld-bron", "huisarts");
  await submitForm(page, "melding");
  expectUrl(page, /\/zorgcoordinatie\/\d+\?melding=melding-toegevoegd$/, "melding toevoegen");
  await check(page, "melding toegevoegd");
  await page.fill("#veld-afgeslotenOp", today);
  await page.selectOption("#veld-uitkomst", "toegeleid");
  await submitForm(page, "wijzigen");
  expectUrl(page, /\/zorgcoordinatie\/\d+\?melding=opgeslagen$/, "traject afsluiten");
  await check(page, "traject afgesloten");
  await visit(page, "/zorgcoordinatie?open=ja", "open trajecten");
  await visit(page, "/cijfers", "cijfers zorgcoordinatie");
  await context.close();
}

// The consultant records a trajectory of Huren Onder Voorwaarden and ends it
// with its result; the supporting provider finds it in its own list.
{
  const { context, page } = await login("consulent.huizen");
  await visit(page, "/hov", "huren onder voorwaarden");
  await visit(page, "/hov/nieuw", "nieuw hov-traject");
  await submit(page);
  await check(page, "hov-traject met fouten");
  await page.fill("#veld-huurder", "M.T.");
  await selectByLabel(page, "#veld-corporatieId", /Het Gooi en Omstreken/);
  await selectByLabel(page, "#veld-aanbiederId", /Kwintes/);
  await page.selectOption("#veld-aanleiding", "huurachterstand");
  await page.fill("#veld-startdatum", today);
  await submit(page);
  expectUrl(page, /\/hov\/\d+\?melding=hov-vastgelegd$/, "hov-traject vastleggen");
  await check(page, "hov-traject vastgelegd");
  await page.fill("#veld-einddatum", today);
  await page.selectOption("#veld-eindresultaat", "huur-op-naam");
  await submitForm(page, "wijzigen");
  expectUrl(page, /\/hov\/\d+\?melding=opgeslagen$/, "hov-traject beeindigen");
  await check(page, "hov-traject beeindigd");
  await visit(page, "/hov?lopend=ja", "lopende hov-trajecten");
  await context.close();
}
{
  const { context, page } = await login("aanbieder.kwintes");
  await visit(page, "/hov", "huren onder voorwaarden aanbieder");
  await context.close();
}

// The waiting-list manager works the regional list.
{
  const { context, page } = await login("wachtlijst.gv");
  for (const [path, what] of [
    ["/vacatures", "plekken"],
    ["/wachtlijstoverleggen", "overleg"],
    ["/verblijven", "verblijven"],
    ["/import", "importeren"],
    ["/cijfers", "dashboard wachtlijstbeheer"],
  ]) {
    await visit(page, path, what);
  }
  await context.close();
}

// The policy officer: dashboard, export, progress and the report.
{
  const { context, page } = await login("beleid.gv");
  await visit(page, "/cijfers", "dashboard");
  await visit(page, "/cijfers/tabellen", "tabellen");
  await visit(page, "/cijfers/indicatoren", "indicatoren");
  const csv = await context.request.get(base + "/cijfers/export?tabel=wachtlijst-per-maand&formaat=csv");
  if (csv.status() !== 200) failures.push(`export gaf ${csv.status()}`);
  await visit(page, "/beleid", "beleidsplannen");
  await visit(page, "/beleid/1?periode=2025-H2", "beleidsplan");
  await visit(page, "/beleid/1/maatregelen/6?periode=2025-H2", "voortgang invullen");
  await page.selectOption("#veld-status", "op-schema");
  await page.fill("#veld-tekst", "De eerste regiokaart is klaar.\n\n- besproken in het overleg");
  await submit(page);
  expectUrl(page, /\/beleid\/1\?periode=2025-H2&melding=opgeslagen$/, "voortgang invullen");
  await check(page, "voortgang opgeslagen");
  await visit(page, "/beleid/1/rapportage?periode=2025-H2", "concept-rapportage");
  await page.fill("#veld-inleiding", "Een halfjaar met meer uitstroom.");
  // Measures without progress: the officer confirms publishing anyway.
  await page.check("#veld-onvolledigPubliceren");
  await Promise.all([page.waitForNavigation(), page.click("#publiceren button[type=submit]")]);
  expectUrl(page, /\/rapportages\/\d+\?melding=gepubliceerd$/, "rapportage publiceren");
  await check(page, "rapportage gepubliceerd");
  await context.close();
}

// The region's finance officer records a provider's tariff on the form and
// reads the cost of care per month and municipality, with its download;
// then keeps a budget.
{
  const { context, page } = await login("financieel.gv");
  await check(page, "overzicht financieel adviseur");
  await visit(page, "/financien/tarieven", "tarieven");
  await visit(page, "/financien/tarieven/nieuw", "nieuw tarief");
  await page.fill("#veld-bedrag", "-1");
  await submit(page);
  await check(page, "tarief met fouten");
  await selectByLabel(page, "#veld-productId", /\(HF\)/);
  await selectByLabel(page, "#veld-aanbiederId", /Kwintes/);
  await page.fill("#veld-bedrag", "1.795,00");
  await page.fill("#veld-geldigVanaf", today);
  await submit(page);
  expectUrl(page, /\/financien\/tarieven\/\d+\?melding=tarief-vastgelegd$/, "tarief vastleggen");
  await check(page, "tarief vastgelegd");
  await visit(page, "/financien/kosten", "kosten van zorg");
  await visit(page, "/financien/kosten?jaar=2025&per=maand&indeling=gemeente&indeling=product", "kosten per gemeente en product");
  const costs = await context.request.get(base + "/financien/kosten/export?formaat=csv&jaar=2025&per=jaar&indeling=gemeente");
  if (costs.status() !== 200) failures.push(`kosten-export gaf ${costs.status()}`);

  // Budgets: a new budget on the form (first with a problem), its page
  // with the versions and the change form, an actual, the budget against
  // its realisation with its download, the file upload and the forecast
  // of the historical cohort.
  const year = today.slice(0, 4);
  await visit(page, "/financien/begrotingen", "begrotingen");
  await visit(page, "/financien/begrotingen/nieuw?regels=3", "nieuwe begroting");
  await page.fill("#veld-naam", "Begroting uit de browsertest");
  await page.fill("#veld-titel", `Begroting ${year}`);
  await page.fill("#veld-r1-code", "a");
  await page.selectOption("#veld-r1-zijde", "lasten");
  await page.selectOption("#veld-r1-categorie", "zorgkosten");
  await page.fill("#veld-r1-omschrijving", "Zorgkosten");
  await page.fill(`#veld-r1-${year}`, "-5");
  await page.fill("#veld-r2-code", "b");
  await page.selectOption("#veld-r2-zijde", "lasten");
  await page.selectOption("#veld-r2-categorie", "personeel");
  await page.fill("#veld-r2-omschrijving", "Personeel");
  await page.fill(`#veld-r2-${year}`, "1.200.000");
  await submitForm(page, "formulier");
  await check(page, "begroting met fouten");
  await page.fill(`#veld-r1-${year}`, "22.500.000");
  await submitForm(page, "formulier");
  expectUrl(page, /\/financien\/begrotingen\/\d+\?melding=begroting-vastgelegd$/, "begroting vastleggen");
  await check(page, "begroting vastgelegd");
  const budget = new URL(page.url()).pathname;
  await visit(page, `${budget}/realisaties`, "realisaties");
  await page.selectOption("#veld-code", "b");
  await page.selectOption("#veld-maand", "1");
  await page.fill("#veld-bedrag", "95.000");
  await submitForm(page, "realisatie");
  expectUrl(page, /\/realisaties\?melding=realisatie-vastgelegd$/, "realisatie vastleggen");
  await check(page, "realisatie vastgelegd");
  await visit(page, `${budget}/realisatie?jaar=${year}`, "begroting tegenover realisatie");
  const report = await context.request.get(base + `${budget}/realisatie/export?formaat=xlsx&jaar=${year}`);
  if (report.status() !== 200) failures.push(`realisatie-export gaf ${report.status()}`);
  await visit(page, "/financien/begrotingen/bestand", "begroting uit een bestand");
  await visit(page, "/financien/begrotingen/prognose", "prognose historische cliënten");
  await context.close();
}
{
  const { context, page } = await login("beleid.gv");
  await visit(page, "/financien/kosten?jaar=2025&per=maand&indeling=gemeente", "kosten beleidsadviseur");
  await visit(page, "/financien/begrotingen", "begrotingen beleidsadviseur");
  await visit(page, `/financien/begrotingen/prognose`, "prognose beleidsadviseur");
  await visit(page, "/prognoses", "prognoses");
  const population = await page.locator('a[href^="/prognoses/bevolking/"]').first().getAttribute("href");
  await visit(page, population, "bevolkingsprognose");
  await context.close();
}

// Zuid-Kennemerland's policy officer makes a scenario on the form (first
// with a lever line that does not parse), reads its forecast with the
// table per municipality and the back-test, copies it with a shift to
// Beschermd Thuis, publishes the first and compares the two.
{
  const { context, page } = await login("beleid.zkih");
  await visit(page, "/prognoses/scenarios/nieuw", "nieuw scenario");
  await page.fill("#veld-naam", "Trend (browsertest)");
  await page.fill("#veld-basisjaar", "2023");
  await page.fill("#veld-jarenHistorie", "2");
  await page.fill("#veld-verschuivingen", "BW-INT;BT");
  await page.fill("#veld-verblijfsduur", "BW-INT;30\nBT;24");
  await submit(page);
  await check(page, "scenario met fouten");
  await page.fill("#veld-verschuivingen", "");
  await submit(page);
  expectUrl(page, /\/prognoses\/scenarios\/\d+\?melding=scenario-opgeslagen$/, "scenario maken");
  await check(page, "scenario");
  const first = new URL(page.url()).pathname;
  await submitForm(page, "kopie");
  expectUrl(page, /\/prognoses\/scenarios\/\d+\?melding=scenario-gekopieerd$/, "scenario kopiëren");
  const second = new URL(page.url()).pathname;
  await visit(page, `${second}/wijzigen`, "scenario wijzigen");
  await page.fill("#veld-verschuivingen", "BW-INT;BT;10");
  await submit(page);
  expectUrl(page, /\/prognoses\/scenarios\/\d+\?melding=scenario-opgeslagen$/, "scenario wijzigen");
  await check(page, "gewijzigd scenario");
  await visit(page, first, "eerste scenario");
  await submitForm(page, "publiceren");
  expectUrl(page, /\/prognoses\/scenarios\/\d+\?melding=scenario-gepubliceerd$/, "scenario publiceren");
  await check(page, "gepubliceerd scenario");
  const a = first.split("/").pop();
  const b = second.split("/").pop();
  await visit(page, `/prognoses/vergelijking?a=${a}&b=${b}&product=15&jaar=2040`, "scenario's vergelijken");
  const csv = await context.request.get(base + `${first}/export?formaat=csv`);
  if (csv.status() !== 200) failures.push(`prognose-export gaf ${csv.status()}`);
  await context.close();
}

// The region's finance officer records a distribution key on the form
// (first with shares that do not add up to 100 %), reads the settlement
// between the municipalities by it with its downloads, publishes it when
// every day has a tariff, opens a published one and calculates the
// transition from the historical to the objective key.
{
  const { context, page } = await login("financieel.gv");
  await visit(page, "/financien/verdeelsleutels", "verdeelsleutels");
  await visit(page, "/financien/verdeelsleutels/nieuw", "nieuwe verdeelsleutel");
  await page.selectOption("#veld-soort", "anders");
  await page.fill("#veld-naam", "Naar inwoners (browsertest)");
  const cells = await page.$$eval("input[id^=veld-aandeel-]", (els) => els.map((e) => e.id));
  for (const id of cells) await page.fill(`#${id}`, "10");
  await submit(page);
  await check(page, "verdeelsleutel met fouten");
  for (const [i, id] of cells.entries()) {
    await page.fill(`#${id}`, i === 0 ? String(100 - 10 * (cells.length - 1)) : "10");
  }
  await submit(page);
  expectUrl(page, /\/financien\/verdeelsleutels\/\d+\?melding=verdeelsleutel-vastgelegd$/, "verdeelsleutel vastleggen");
  await check(page, "verdeelsleutel vastgelegd");
  const key = new URL(page.url()).pathname.split("/").pop();
  const lastYear = String(Number(today.slice(0, 4)) - 1);
  const statement = `periode=${lastYear}&verdeling=verdeelsleutel&verdeelsleutelId=${key}`;
  await visit(page, "/financien/verrekening", "verrekening");
  await visit(page, `/financien/verrekening?${statement}`, "verrekening volgens verdeelsleutel");
  for (const format of ["csv", "xlsx", "pdf"]) {
    const file = await context.request.get(base + `/financien/verrekening/export?formaat=${format}&${statement}`);
    if (file.status() !== 200) failures.push(`verrekening-export ${format} gaf ${file.status()}`);
  }
  if (await page.$("#vaststellen-formulier")) {
    await submitForm(page, "vaststellen-formulier");
    expectUrl(page, /\/financien\/verrekening\/gepubliceerd\/\d+\?melding=verrekening-vastgesteld$/, "verrekening vaststellen");
    await check(page, "verrekening vastgesteld");
  } else {
    const published = await page.$("#vastgesteld tbody a");
    if (published) await visit(page, await published.getAttribute("href"), "vastgestelde verrekening");
  }
  await visit(page, "/financien/overgangspad", "overgangspad");
  await selectByLabel(page, "#veld-begrotingId", /Gooi en Vechtstreek|GO BW|begroting/);
  await page.fill("#veld-regel", "e");
  await page.fill("#veld-pad", `${lastYear}: 0; ${Number(lastYear) + 2}: 50; ${Number(lastYear) + 4}: 100`);
  await submitForm(page, "vraag");
  await check(page, "overgangspad berekend");
  await context.close();
}

// The director reads the published report; the privacy officer the audit
// log, and answers a request of access.
{
  const { context, page } = await login("bestuurder.gv");
  await visit(page, "/beleid", "beleid bestuurder");
  await visit(page, "/rapportages/1", "rapportage bestuurder");
  await context.close();
}
{
  const { context, page } = await login("fg.gv");
  await visit(page, "/auditlog", "auditlog");
  // Noor Visser asks what zothuis holds about her (AVG art. 15).
  await visit(page, "/inzageverzoeken", "inzageverzoeken");
  await page.fill("#veld-bsn", "999990020");
  await page.fill("#veld-geboortedatum", "1988-03-14");
  await page.fill("#veld-identiteitGecontroleerd", "paspoort gezien aan de balie");
  await submit(page);
  expectUrl(page, /\/inzageverzoeken\/\d+\?melding=inzageverzoek$/, "inzageverzoek vastleggen");
  await check(page, "inzageverzoek vastgelegd");
  await Promise.all([page.waitForNavigation(), page.click("text=Overzicht bekijken")]);
  expectUrl(page, /\/inzageverzoeken\/\d+\/overzicht$/, "overzicht inzageverzoek");
  await check(page, "overzicht inzageverzoek");
  // Records past their retention period, to check and anonymise.
  await visit(page, "/bewaartermijnen", "bewaartermijnen");
  await context.close();
}

// A consultant signs in with her municipal account (OpenID Connect, the
// test provider of scripts/browser-tests); someone in no group with access
// is refused on the login page.
for (const [account, expected] of [["iris", /\/$/], ["piet", /\/inloggen\/oidc\/terug/]]) {
  const context = await browser.newContext({ locale: "nl-NL", viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(base + "/inloggen");
  await check(page, `inloggen met gemeente-account ${account}`);
  await Promise.all([page.waitForNavigation(), page.click("#veld-oidc")]);
  await Promise.all([page.waitForURL((u) => u.toString().startsWith(base)), page.click(`button[value=${account}]`)]);
  expectUrl(page, expected, `inloggen via identiteitsprovider ${account}`);
  await check(page, `na inloggen via identiteitsprovider ${account}`);
  if (account === "iris") await visit(page, "/account", "account via identiteitsprovider");
  await context.close();
}

await browser.close();
if (failures.length > 0) {
  console.error(`\n${failures.length} problemen:\n` + failures.join("\n"));
  process.exit(1);
}
console.log(`\nalle ${shot} pagina's zonder WCAG 2.1 A/AA-overtredingen; schermafdrukken in ${outDir}`);
