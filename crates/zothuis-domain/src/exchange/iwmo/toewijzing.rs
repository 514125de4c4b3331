//! WMO301 Toewijzing Wmo-ondersteuning: what the municipality assigns to a
//! provider for one client, written in the order and namespaces of the
//! iWmo 3.2 WMO301 schema (`schema`).

use super::schema::{BASIS_NS, Message};
use super::xml::{Node, write};
use chrono::{NaiveDate, NaiveTime};

/// The header of a message from a municipality to a provider.
#[derive(Debug, Clone, PartialEq)]
pub struct Parties {
    /// BerichtIdentificatie/Identificatie: unique per message type for
    /// the sender (TR056), at most 12 characters (RS017).
    pub identificatie: String,
    pub dagtekening: NaiveDate,
    /// The municipality's CBS code without "GM" (4 digits, RS035).
    pub gemeente: String,
    /// The provider's AGB code (8 digits, RS036).
    pub agb: String,
}

/// The client as the 301 names them.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub bsn: String,
    pub geboortedatum: NaiveDate,
    /// COD046: 0 onbekend, 1 mannelijk, 2 vrouwelijk.
    pub geslacht: &'static str,
    pub achternaam: String,
    pub voorvoegsel: Option<String>,
    pub voornamen: Option<String>,
}

/// A Dutch address (Contact with Soort 01, the BRP address, or 03, where
/// the client stays). Every part of Adres is optional in the schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    /// COD757 soort adres.
    pub soort: &'static str,
    pub huisnummer: Option<u32>,
    pub huisletter: Option<String>,
    pub toevoeging: Option<String>,
    pub postcode: Option<String>,
    pub straat: Option<String>,
    pub plaats: Option<String>,
}

impl Address {
    /// An address as zothuis keeps it, one line of text in the Dutch way
    /// ("Kerkstraat 40a, 1271 AB Huizen", postcode optional), in the parts
    /// of the schema; what does not fit a part's length is left out rather
    /// than cut (the BSN lets the provider ask the BRP).
    pub fn from_text(soort: &'static str, text: &str) -> Option<Address> {
        let (street_part, place_part) = text.split_once(',')?;
        let mut words: Vec<&str> = street_part.split_whitespace().collect();
        let number = words.pop()?;
        let digits: String = number.chars().take_while(|c| c.is_ascii_digit()).collect();
        let huisnummer: u32 = digits.parse().ok().filter(|n| *n > 0 && *n <= 99_999)?;
        let rest = number[digits.len()..].trim_start_matches('-');
        let (huisletter, toevoeging) = match rest.chars().next() {
            None => (None, None),
            Some(c) if c.is_ascii_alphabetic() && rest.len() == 1 => (Some(c.to_string()), None),
            Some(_) if rest.chars().count() <= 4 => (None, Some(rest.to_string())),
            Some(_) => (None, None),
        };
        let straat = words.join(" ");
        let place_words: Vec<&str> = place_part.split_whitespace().collect();
        let (postcode, plaats) = match place_words.as_slice() {
            [digits, letters, rest @ ..]
                if digits.len() == 4
                    && digits.chars().all(|c| c.is_ascii_digit())
                    && letters.len() == 2
                    && letters.chars().all(|c| c.is_ascii_alphabetic()) =>
            {
                (
                    Some(format!("{digits}{}", letters.to_ascii_uppercase())),
                    rest.join(" "),
                )
            }
            words => (None, words.join(" ")),
        };
        let fits =
            |s: String, max: usize| Some(s).filter(|s| !s.is_empty() && s.chars().count() <= max);
        Some(Address {
            soort,
            huisnummer: Some(huisnummer),
            huisletter,
            toevoeging,
            postcode,
            straat: fits(straat, 24),
            plaats: fits(plaats, 80),
        })
    }
}

/// How much: WJ756 eenheid and WMO757 frequentie.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Omvang {
    pub volume: u32,
    pub eenheid: &'static str,
    pub frequentie: &'static str,
}

/// One assigned product (ToegewezenProduct).
#[derive(Debug, Clone, PartialEq)]
pub struct Assigned {
    /// Kept for the life of the assignment, also in every change (IV066).
    pub nummer: u32,
    pub referentie_aanbieder: Option<String>,
    /// WMO020 productcategorie and the product code (at most 5 characters).
    pub categorie: &'static str,
    pub code: Option<String>,
    pub toewijzingsdatum: NaiveDate,
    pub toewijzingstijd: NaiveTime,
    pub ingangsdatum: NaiveDate,
    pub einddatum: Option<NaiveDate>,
    /// WMO002; none in a first assignment and when unchanged (IV099).
    pub reden_wijziging: Option<&'static str>,
    pub omvang: Option<Omvang>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Toewijzing {
    pub parties: Parties,
    pub client: Person,
    pub addresses: Vec<Address>,
    pub products: Vec<Assigned>,
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl Toewijzing {
    /// The message as an element tree.
    pub fn to_node(&self) -> Node {
        let m = Message::Wmo301.namespace();
        let m = m.as_str();
        let b = BASIS_NS;
        let p = &self.parties;
        let header = Node::group(
            m,
            "Header",
            vec![
                Node::leaf(m, "BerichtCode", Message::Wmo301.bericht_code()),
                Node::leaf(m, "BerichtVersie", "3"),
                Node::leaf(m, "BerichtSubversie", "2"),
                Node::leaf(m, "Afzender", &p.gemeente),
                Node::leaf(m, "Ontvanger", &p.agb),
                Node::group(
                    m,
                    "BerichtIdentificatie",
                    vec![
                        Node::leaf(b, "Identificatie", &p.identificatie),
                        Node::leaf(b, "Dagtekening", date(p.dagtekening)),
                    ],
                ),
                Node::group(
                    m,
                    "XsdVersie",
                    vec![
                        Node::leaf(b, "BasisschemaXsdVersie", super::BASISSCHEMA_XSD_VERSIE),
                        Node::leaf(b, "BerichtXsdVersie", super::BERICHT_XSD_VERSIE),
                    ],
                ),
            ],
        );
        let c = &self.client;
        let mut surname = vec![Node::leaf(b, "Achternaam", &c.achternaam)];
        if let Some(v) = &c.voorvoegsel {
            surname.push(Node::leaf(b, "Voorvoegsel", v));
        }
        let mut name = vec![Node::group(b, "Geslachtsnaam", surname)];
        if let Some(v) = &c.voornamen {
            name.push(Node::leaf(b, "Voornamen", v));
        }
        // COD700 1: eigen naam.
        name.push(Node::leaf(b, "NaamGebruik", "1"));
        let contacts = self
            .addresses
            .iter()
            .map(|a| {
                let mut adres = Vec::new();
                if let Some(n) = a.huisnummer {
                    let mut house = vec![Node::leaf(b, "Huisnummer", n.to_string())];
                    if let Some(l) = &a.huisletter {
                        house.push(Node::leaf(b, "Huisletter", l));
                    }
                    if let Some(t) = &a.toevoeging {
                        house.push(Node::leaf(b, "HuisnummerToevoeging", t));
                    }
                    adres.push(Node::group(b, "Huis", house));
                }
                if let Some(p) = &a.postcode {
                    adres.push(Node::leaf(b, "Postcode", p.replace(' ', "")));
                }
                if let Some(s) = &a.straat {
                    adres.push(Node::leaf(b, "Straatnaam", s));
                }
                if let Some(p) = &a.plaats {
                    adres.push(Node::leaf(b, "Plaatsnaam", p));
                }
                adres.push(Node::leaf(b, "LandCode", "NL"));
                Node::group(
                    m,
                    "Contact",
                    vec![
                        Node::leaf(m, "Soort", a.soort),
                        Node::group(m, "Adres", adres),
                    ],
                )
            })
            .collect();
        let products = self
            .products
            .iter()
            .map(|a| {
                let mut n = vec![Node::leaf(m, "ToewijzingNummer", a.nummer.to_string())];
                if let Some(r) = &a.referentie_aanbieder {
                    n.push(Node::leaf(m, "ReferentieAanbieder", r));
                }
                let mut product = vec![Node::leaf(b, "Categorie", a.categorie)];
                if let Some(code) = &a.code {
                    product.push(Node::leaf(b, "Code", code));
                }
                n.push(Node::group(m, "Product", product));
                n.push(Node::leaf(m, "Toewijzingsdatum", date(a.toewijzingsdatum)));
                n.push(Node::leaf(
                    m,
                    "Toewijzingstijd",
                    a.toewijzingstijd.format("%H:%M:%S").to_string(),
                ));
                n.push(Node::leaf(m, "Ingangsdatum", date(a.ingangsdatum)));
                if let Some(end) = a.einddatum {
                    n.push(Node::leaf(m, "Einddatum", date(end)));
                }
                if let Some(reason) = a.reden_wijziging {
                    n.push(Node::leaf(m, "RedenWijziging", reason));
                }
                if let Some(o) = a.omvang {
                    n.push(Node::group(
                        m,
                        "Omvang",
                        vec![
                            Node::leaf(b, "Volume", o.volume.to_string()),
                            Node::leaf(b, "Eenheid", o.eenheid),
                            Node::leaf(b, "Frequentie", o.frequentie),
                        ],
                    ));
                }
                Node::group(m, "ToegewezenProduct", n)
            })
            .collect();
        let client = Node::group(
            m,
            "Client",
            vec![
                Node::leaf(m, "Bsn", &c.bsn),
                Node::group(
                    m,
                    "Geboortedatum",
                    vec![Node::leaf(b, "Datum", date(c.geboortedatum))],
                ),
                Node::leaf(m, "Geslacht", c.geslacht),
                Node::group(m, "Naam", name),
                Node::group(m, "Contactgegevens", contacts),
                Node::group(m, "ToegewezenProducten", products),
            ],
        );
        Node::group(m, "Bericht", vec![header, client])
    }

    /// The message as the provider receives it.
    pub fn to_xml(&self) -> String {
        let ns = Message::Wmo301.namespace();
        write(
            &self.to_node(),
            &[(ns.as_str(), "wmo301"), (BASIS_NS, "iwmo")],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::schema::{Message, validate};
    use super::super::xml::parse;
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// An invented client (BSN from the test range) with one assignment of
    /// protected housing, seven etmalen a week.
    pub(crate) fn example() -> Toewijzing {
        Toewijzing {
            parties: Parties {
                identificatie: "ZH301000001".into(),
                dagtekening: d("2026-03-02"),
                gemeente: "0406".into(),
                agb: "98765432".into(),
            },
            client: Person {
                bsn: "999990020".into(),
                geboortedatum: d("1988-03-14"),
                geslacht: "2",
                achternaam: "Visser".into(),
                voorvoegsel: None,
                voornamen: Some("Noor".into()),
            },
            addresses: vec![Address::from_text("01", "Havenstraat 12a, 1271 ab Huizen").unwrap()],
            products: vec![Assigned {
                nummer: 1001,
                referentie_aanbieder: None,
                categorie: "15",
                code: Some("BW01".into()),
                toewijzingsdatum: d("2026-03-02"),
                toewijzingstijd: NaiveTime::from_hms_opt(10, 15, 0).unwrap(),
                ingangsdatum: d("2026-03-09"),
                einddatum: Some(d("2027-03-08")),
                reden_wijziging: None,
                omvang: Some(Omvang {
                    volume: 7,
                    eenheid: "14",
                    frequentie: "2",
                }),
            }],
        }
    }

    #[test]
    fn a_301_fits_the_schema_in_order_and_namespaces() {
        let xml = example().to_xml();
        assert!(xml.contains(
            "<wmo301:Bericht xmlns:wmo301=\"http://www.istandaarden.nl/iwmo/3_2/wmo301/schema\" xmlns:iwmo=\"http://www.istandaarden.nl/iwmo/3_2/basisschema/schema\">"
        ), "{xml}");
        assert!(xml.contains("<wmo301:BerichtCode>414</wmo301:BerichtCode>"));
        assert!(xml.contains("<iwmo:Identificatie>ZH301000001</iwmo:Identificatie>"));
        assert!(xml.contains("<iwmo:Postcode>1271AB</iwmo:Postcode>"));
        let read = parse(xml.as_bytes()).unwrap();
        assert_eq!(Message::of(&read), Some(Message::Wmo301));
        assert_eq!(validate(&read, Message::Wmo301), vec![]);
        assert_eq!(read, example().to_node(), "read back whole");
        assert_eq!(
            read.text_at(&[
                "Client",
                "ToegewezenProducten",
                "ToegewezenProduct",
                "Omvang",
                "Eenheid"
            ]),
            Some("14")
        );
    }

    #[test]
    fn a_301_that_breaks_the_schema_is_named_at_its_element() {
        let mut t = example();
        t.products[0].code = Some("BW0001".into());
        t.parties.agb = "1234".into();
        t.client.bsn = "123456789".into();
        let problems = validate(&parse(t.to_xml().as_bytes()).unwrap(), Message::Wmo301);
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "Bericht/Header/Ontvanger",
                "Bericht/Client/Bsn",
                "Bericht/Client/ToegewezenProducten/ToegewezenProduct/Product/Code",
            ],
            "{problems:?}"
        );
        assert!(problems[1].message.contains("elfproef"));
    }

    #[test]
    fn an_address_line_is_split_into_the_parts_of_the_schema() {
        let a = Address::from_text("01", "Havenstraat 12a, 1271 ab Huizen").unwrap();
        assert_eq!(
            (a.straat.as_deref(), a.huisnummer, a.huisletter.as_deref()),
            (Some("Havenstraat"), Some(12), Some("a"))
        );
        assert_eq!(
            (a.postcode.as_deref(), a.plaats.as_deref()),
            (Some("1271AB"), Some("Huizen"))
        );
        let b = Address::from_text("03", "Van Riebeeckstraat 140-2hg, Hilversum").unwrap();
        assert_eq!(b.straat.as_deref(), Some("Van Riebeeckstraat"));
        assert_eq!(
            (b.huisnummer, b.toevoeging.as_deref()),
            (Some(140), Some("2hg"))
        );
        assert_eq!((b.postcode, b.plaats.as_deref()), (None, Some("Hilversum")));
        // No number, no comma: not an address the schema can hold.
        assert_eq!(Address::from_text("01", "Niet bekend"), None);
        assert_eq!(Address::from_text("01", "Kerkstraat, Huizen"), None);
        // A street longer than Straatnaam holds is left out, not cut.
        let long = Address::from_text("01", "Burgemeester van Nispen van Sevenaerstraat 1, Huizen")
            .unwrap();
        assert_eq!((long.straat, long.huisnummer), (None, Some(1)));
    }
}
