//! iWmo messages as a small element tree: read from XML text (namespaces
//! resolved, no DTD, bounded size and depth) and written back (UTF-8
//! without BOM, CR/LF line ends: iWmo 3.2 bedrijfsregel OP192).

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// One element: its namespace, local name, text (leaves) and children.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Node {
    pub ns: String,
    pub name: String,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn leaf(ns: &str, name: &str, text: impl Into<String>) -> Node {
        Node {
            ns: ns.to_string(),
            name: name.to_string(),
            text: text.into(),
            children: Vec::new(),
        }
    }

    pub fn group(ns: &str, name: &str, children: Vec<Node>) -> Node {
        Node {
            ns: ns.to_string(),
            name: name.to_string(),
            text: String::new(),
            children,
        }
    }

    /// The first child with this local name.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text of the element at this path of local names, if present.
    pub fn text_at(&self, path: &[&str]) -> Option<&str> {
        let mut node = self;
        for name in path {
            node = node.child(name)?;
        }
        Some(node.text.as_str())
    }
}

/// The most a message may be: 25 MB (iWmo 3.2 bedrijfsregel OP179).
pub const MAX_MESSAGE_BYTES: usize = 25 * 1024 * 1024;
/// Deeper than any iWmo message (at most 7 levels) by a margin.
const MAX_DEPTH: usize = 16;

const RESERVED_NAMESPACES: [&str; 2] = [
    "http://www.w3.org/XML/1998/namespace",
    "http://www.w3.org/2000/xmlns/",
];

/// Why a text is not a readable XML message; in Dutch, for the message log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct XmlError(pub String);

fn err(at: u64, what: impl std::fmt::Display) -> XmlError {
    XmlError(format!("Geen geldige XML (bij teken {at}): {what}"))
}

/// Reads a message. Mixed content (text beside child elements) is refused,
/// as are a DTD, unknown entities, unbound prefixes, and more than one root.
pub fn parse(input: &[u8]) -> Result<Node, XmlError> {
    if input.len() > MAX_MESSAGE_BYTES {
        return Err(XmlError(format!(
            "Het bericht is groter dan {} MB (iWmo OP179).",
            MAX_MESSAGE_BYTES / 1024 / 1024
        )));
    }
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let text = std::str::from_utf8(input).map_err(|e| {
        XmlError(format!(
            "Het bericht is geen UTF-8 (bij byte {}).",
            e.valid_up_to()
        ))
    })?;
    // Text is kept as written (no trimming: that would also eat the spaces
    // around an entity, "Jansen &amp; Zn"); whitespace between elements is
    // dropped when the element closes.
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    loop {
        let at = reader.buffer_position();
        let (ns, event) = reader.read_resolved_event().map_err(|e| err(at, e))?;
        let namespace = match ns {
            // The reader gives a namespace as written, entities and all;
            // a namespace of a message is a plain URI, and not one of the
            // two reserved ones (Namespaces in XML 1.0 § 3).
            ResolveResult::Bound(n)
                if n.as_ref().contains(['<', '&', '"'])
                    || RESERVED_NAMESPACES.contains(&n.as_ref()) =>
            {
                return Err(err(at, "ongeldige namespace"));
            }
            ResolveResult::Bound(n) => n.as_ref().to_string(),
            ResolveResult::Unbound => String::new(),
            ResolveResult::Unknown(p) => return Err(err(at, format!("onbekend voorvoegsel {p}"))),
        };
        match event {
            Event::Start(e) | Event::Empty(e) if root.is_some() => {
                let _ = e;
                return Err(err(at, "meer dan één hoofdelement"));
            }
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(at, "te diep genest"));
                }
                let name = element_name(e.name().as_ref(), e.local_name().as_ref(), at)?;
                stack.push(Node::group(&namespace, &name, Vec::new()));
            }
            Event::Empty(e) => {
                let name = element_name(e.name().as_ref(), e.local_name().as_ref(), at)?;
                let node = Node::leaf(&namespace, &name, "");
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::End(_) => {
                let mut node = stack
                    .pop()
                    .ok_or_else(|| err(at, "sluitend element zonder begin"))?;
                if !node.children.is_empty() {
                    if !node.text.trim().is_empty() {
                        return Err(err(at, format!("tekst naast elementen in {}", node.name)));
                    }
                    node.text.clear();
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Text(t) => {
                let content = t.xml10_content();
                append_text(&mut stack, &content, at)?;
            }
            Event::CData(c) => {
                let content = c.into_inner().into_owned();
                append_text(&mut stack, &content, at)?;
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| err(at, e))? {
                    Some(c) => c.to_string(),
                    None => match r.xml10_content().as_ref() {
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "amp" => "&".into(),
                        "apos" => "'".into(),
                        "quot" => "\"".into(),
                        other => return Err(err(at, format!("onbekende entiteit &{other};"))),
                    },
                };
                append_text(&mut stack, &resolved, at)?;
            }
            Event::DocType(_) => return Err(err(at, "een DTD is niet toegestaan")),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(XmlError(
            "Het bericht houdt op voordat alle elementen gesloten zijn.".into(),
        ));
    }
    root.ok_or_else(|| XmlError("Het bericht is leeg.".into()))
}

/// The local name of an element, if the whole name is an XML name (the
/// ASCII part of XML 1.0 § 2.3 with at most one prefix, Namespaces § 4):
/// the reader itself lets much more through.
fn element_name(qualified: &str, local: &str, at: u64) -> Result<String, XmlError> {
    fn nc_name(s: &str) -> bool {
        let mut chars = s.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    }
    let valid = match qualified.split_once(':') {
        // Prefixes starting with "xml" are reserved (Namespaces § 3).
        Some((prefix, rest)) => {
            nc_name(prefix)
                && !prefix.to_ascii_lowercase().starts_with("xml")
                && nc_name(rest)
                && rest == local
        }
        None => nc_name(qualified),
    };
    if valid {
        Ok(local.to_string())
    } else {
        Err(err(at, format!("ongeldige elementnaam {qualified:?}")))
    }
}

fn append_text(stack: &mut [Node], text: &str, at: u64) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(node) => {
            node.text.push_str(text);
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err(err(at, "tekst buiten het hoofdelement")),
    }
}

/// Writes a message with these namespace prefixes (namespace, prefix); any
/// other namespace in the tree gets a prefix `n1`, `n2`, …; the root
/// declares them all, and an element without a namespace has no prefix.
pub fn write(root: &Node, prefixes: &[(&str, &str)]) -> String {
    let mut all: Vec<(String, String)> = prefixes
        .iter()
        .filter(|(ns, _)| !ns.is_empty())
        .map(|(ns, p)| (ns.to_string(), p.to_string()))
        .collect();
    collect_namespaces(root, &mut all);
    let all: Vec<(&str, &str)> = all.iter().map(|(n, p)| (n.as_str(), p.as_str())).collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n");
    write_node(root, &all, 0, &mut out);
    out
}

fn collect_namespaces(node: &Node, all: &mut Vec<(String, String)>) {
    if !node.ns.is_empty() && !all.iter().any(|(ns, _)| *ns == node.ns) {
        let prefix = format!("n{}", all.len() + 1);
        all.push((node.ns.clone(), prefix));
    }
    for child in &node.children {
        collect_namespaces(child, all);
    }
}

fn qualified(node: &Node, prefixes: &[(&str, &str)]) -> String {
    match prefixes.iter().find(|(ns, _)| *ns == node.ns) {
        Some((_, prefix)) => format!("{prefix}:{}", node.name),
        None => node.name.clone(),
    }
}

fn write_node(node: &Node, prefixes: &[(&str, &str)], depth: usize, out: &mut String) {
    let name = qualified(node, prefixes);
    out.push_str(&"  ".repeat(depth));
    out.push('<');
    out.push_str(&name);
    if depth == 0 {
        for (ns, prefix) in prefixes {
            // As read (no '<', '&' or '"': `parse`), or one of ours;
            // '>' and '\'' may stand in a double-quoted attribute.
            out.push_str(&format!(" xmlns:{prefix}=\"{ns}\""));
        }
    }
    out.push('>');
    if node.children.is_empty() {
        out.push_str(&quick_xml::escape::escape(node.text.as_str()));
    } else {
        out.push_str("\r\n");
        for child in &node.children {
            write_node(child, prefixes, depth + 1, out);
        }
        out.push_str(&"  ".repeat(depth));
    }
    out.push_str("</");
    out.push_str(&name);
    out.push_str(">\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = "urn:voorbeeld";

    #[test]
    fn a_written_tree_reads_back_the_same_with_escapes_and_crlf() {
        let tree = Node::group(
            NS,
            "Bericht",
            vec![
                Node::leaf(NS, "Naam", "Jansen & <Zn> \"o'Brien\""),
                Node::group(
                    "urn:basis",
                    "Product",
                    vec![Node::leaf("urn:basis", "Code", "BW01")],
                ),
            ],
        );
        let text = write(&tree, &[(NS, "b"), ("urn:basis", "iw")]);
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<b:Bericht"));
        assert!(!text.replace("\r\n", "").contains('\n'), "CR/LF only");
        assert!(text.contains("&amp; &lt;Zn&gt;"));
        assert_eq!(parse(text.as_bytes()).unwrap(), tree);
        // Namespaces without a prefix given, and none at all.
        let mixed = Node::group(
            "",
            "a",
            vec![Node::leaf("urn:x", "b", "1"), Node::leaf("", "c", "2")],
        );
        assert_eq!(parse(write(&mixed, &[]).as_bytes()).unwrap(), mixed);
    }

    #[test]
    fn default_namespaces_char_refs_cdata_and_a_bom_are_read() {
        let text = "\u{FEFF}<Bericht xmlns=\"urn:voorbeeld\"><Naam>A&#233;<![CDATA[<b>]]></Naam><Leeg/></Bericht>";
        let tree = parse(text.as_bytes()).unwrap();
        assert_eq!(tree.ns, NS);
        assert_eq!(tree.text_at(&["Naam"]), Some("Aé<b>"));
        assert_eq!(tree.text_at(&["Leeg"]), Some(""));
    }

    #[test]
    fn what_is_no_message_is_refused_with_a_reason() {
        for (input, reason) in [
            ("", "leeg"),
            ("<a><b></a>", "Geen geldige XML"),
            ("<a></a><b></b>", "meer dan één"),
            ("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "DTD"),
            ("<a>&onbekend;</a>", "Geen geldige XML"),
            ("<p:a></p:a>", "voorvoegsel"),
            ("<a>tekst<b>x</b></a>", "tekst naast elementen"),
            ("<a><b>", "houdt op"),
            ("<.nl></.nl>", "ongeldige elementnaam"),
            ("<xmlns:a></xmlns:a>", "ongeldige namespace"),
            ("<xml:a></xml:a>", "ongeldige namespace"),
            (
                "<xmlx:a xmlns:xmlx=\"urn:x\"></xmlx:a>",
                "ongeldige elementnaam",
            ),
            (
                "<a xmlns=\"http://www.w3.org/XML/1998/namespace\"></a>",
                "ongeldige namespace",
            ),
            ("<a:b:c></a:b:c>", "Geen geldige XML"),
        ] {
            let e = parse(input.as_bytes()).unwrap_err();
            assert!(e.0.contains(reason), "{input}: {e}");
        }
        // Found by the fuzzer: a mangled start message whose root's "name"
        // held a quote and slashes, and which the reader let through.
        let mangled = include_bytes!("../../../../../fuzz/seeds/iwmo/invalid-names.xml");
        assert!(
            parse(mangled)
                .unwrap_err()
                .0
                .contains("ongeldige elementnaam")
        );
        // Also found by the fuzzer: a namespace with a raw "<" in it.
        let raw = include_bytes!("../../../../../fuzz/seeds/iwmo/raw-namespace.xml");
        assert!(parse(raw).unwrap_err().0.contains("ongeldige namespace"));
        let deep = "<a>".repeat(40) + &"</a>".repeat(40);
        assert!(parse(deep.as_bytes()).unwrap_err().0.contains("te diep"));
        assert!(parse(&[0xff, 0xfe]).unwrap_err().0.contains("UTF-8"));
    }
}
