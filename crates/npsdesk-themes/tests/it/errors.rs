//! Rule-set errors and their positions (line and column are 1-based; columns count characters).

use npsdesk_themes::{check, Format, RuleError, RuleSet};

fn errors(text: &str, format: Format) -> Vec<RuleError> {
    match check(text, format) {
        Ok(_) => panic!("expected errors for {text}"),
        Err(e) => e,
    }
}

fn find<'a>(errs: &'a [RuleError], path: &str) -> &'a RuleError {
    errs.iter().find(|e| e.path == path).unwrap_or_else(|| panic!("no error at {path}: {errs:#?}"))
}

#[test]
fn semantic_errors_in_json_name_the_offending_element() {
    let text = r#"{
  "language": "klingon",
  "themes": [
    {"name": "", "any": ["x"]},
    {"name": "Dup", "any": ["x"]},
    {"name": "dup", "any": ["x"]},
    {"name": "Orphan", "parent": "Nobody", "any": ["x"]},
    {"name": "C1", "parent": "C2", "any": ["x"]},
    {"name": "C2", "parent": "C1", "any": ["x"]},
    {"name": "Terms", "any": ["ok", "  ", "re*fund", "*", "a*", "\"open"]},
    {"name": "Rx", "regex": ["(", "a*", "(\\w{50}){50}"]},
    {"name": "Empty"}
  ]
}"#;
    let errs = errors(text, Format::Json);
    // (path, line, column, a word of the message); columns counted by hand on the lines above.
    let expected = [
        ("language", 2, 15, "klingon"),
        ("themes[0].name", 4, 14, "empty theme name"),
        ("themes[2].name", 6, 14, "duplicate"),
        ("themes[3].parent", 7, 34, "unknown parent"),
        ("themes[4].parent", 8, 30, "cycle"),
        ("themes[6].any[1]", 10, 37, "empty term"),
        ("themes[6].any[2]", 10, 43, "wildcard"),
        ("themes[6].any[3]", 10, 54, "wildcard"),
        ("themes[6].any[4]", 10, 59, "wildcard"),
        ("themes[6].any[5]", 10, 65, "quote"),
        ("themes[7].regex[0]", 11, 30, "invalid regex"),
        ("themes[7].regex[1]", 11, 35, "empty string"),
        ("themes[7].regex[2]", 11, 41, "too large"),
        ("themes[8]", 12, 5, "never match"),
    ];
    for (path, line, column, word) in expected {
        let e = find(&errs, path);
        assert_eq!((e.line, e.column), (line, column), "{path}: {e}");
        assert!(e.message.contains(word), "{path}: {:?} should mention {word:?}", e.message);
    }
    assert_eq!(errs.len(), expected.len(), "one error each, the C1 ↔ C2 cycle once: {errs:#?}");
    let cycle = find(&errs, "themes[4].parent");
    assert!(cycle.message.contains("C1 → C2 → C1"), "{}", cycle.message);
    assert_eq!(find(&errs, "themes[8]").to_string().split(':').next(), Some("line 12, column 5"));
}

#[test]
fn semantic_errors_in_toml_name_the_offending_element() {
    let text = "language = \"english\"\n\n[[themes]]\nname = \"A\"\nany = [\"x\", \"bad*wild\"]\n\n[[themes]]\nname = \"B\"\nparent = \"Missing\"\nany = [\"y\"]\n\n[[themes]]\nname = \"uncategorized\"\nany = [\"z\"]\n";
    let errs = errors(text, Format::Toml);
    let wild = find(&errs, "themes[0].any[1]");
    assert_eq!((wild.line, wild.column), (5, 13), "`any = [\"x\", ` is 12 characters");
    let parent = find(&errs, "themes[1].parent");
    assert_eq!((parent.line, parent.column), (9, 10));
    let reserved = find(&errs, "themes[2].name");
    assert_eq!((reserved.line, reserved.column), (13, 8));
    assert!(reserved.message.contains("reserved"), "{}", reserved.message);
    assert_eq!(errs.len(), 3, "{errs:#?}");
}

#[test]
fn malformed_json_reports_the_parser_position() {
    // Line 2 is `  {"name": "A", "any": ["x",]}`: the `]` after the trailing comma is character 29.
    let errs = errors("{\"themes\": [\n  {\"name\": \"A\", \"any\": [\"x\",]}\n]}", Format::Json);
    assert_eq!(errs.len(), 1);
    assert_eq!((errs[0].line, errs[0].column), (2, 29), "{}", errs[0]);
    assert!(errs[0].message.contains("trailing comma"), "{}", errs[0].message);
}

#[test]
fn wrong_types_and_unknown_fields_in_json_are_positioned() {
    let errs = errors("{\"themes\": [\n  {\"name\": \"A\",\n   \"negation\": \"yes\"}]}", Format::Json);
    assert_eq!(errs[0].line, 3, "{}", errs[0]);
    assert!(errs[0].message.contains("expected a boolean"), "{}", errs[0].message);
    let errs = errors("{\"themes\": [{\"name\": \"A\",\n \"anyy\": [\"x\"]}]}", Format::Json);
    assert_eq!(errs[0].line, 2, "{}", errs[0]);
    assert!(errs[0].message.contains("unknown field `anyy`"), "{}", errs[0].message);
}

#[test]
fn malformed_toml_reports_the_parser_position() {
    // An unterminated string: toml points where the closing quote is missing, after `name = "A` (9 characters).
    let errs = errors("[[themes]]\nname = \"A\nany = [\"x\"]\n", Format::Toml);
    assert_eq!(errs.len(), 1);
    assert_eq!((errs[0].line, errs[0].column), (2, 10), "{}", errs[0]);
    let errs = errors("[[themes]]\nname = \"A\"\nanyy = [\"x\"]\n", Format::Toml);
    assert_eq!((errs[0].line, errs[0].column), (3, 1), "{}", errs[0]);
    assert!(errs[0].message.contains("anyy"), "{}", errs[0].message);
}

#[test]
fn json_and_toml_spell_the_same_rule_set() {
    let json = r#"{"stemming": false, "language": "French", "themes": [
        {"name": "Billing", "parent": "Commercial", "any": ["invoice", "refund*", "\"charged twice\""],
         "none": ["no billing issues"], "negation": true, "regex": ["\\d+ ?€"]},
        {"name": "Commercial"}]}"#;
    let toml = r#"
stemming = false
language = "French"

[[themes]]
name = "Billing"
parent = "Commercial"
any = ["invoice", "refund*", '"charged twice"']
none = ["no billing issues"]
negation = true
regex = ['\d+ ?€']

[[themes]]
name = "Commercial"
"#;
    let a = check(json, Format::Json).map_err(|e| format!("{e:?}")).unwrap_or_else(|e| panic!("{e}"));
    let b = check(toml, Format::Toml).map_err(|e| format!("{e:?}")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.def(), b.def());
    assert_eq!(a.themes()[0].any[2].words, ["charged", "twice"]);
    assert!(a.themes()[0].any[2].exact && a.themes()[0].any[1].prefix);
    // The definition serialises back to the documented schema.
    let again = serde_json::to_string(a.def()).unwrap_or_default();
    assert!(check(&again, Format::Json).is_ok(), "{again}");
}

#[test]
fn from_def_reports_paths_without_positions() {
    let mut def = RuleSet::builtin().def().clone();
    def.themes[5].any.push("x*y".into());
    let errs = RuleSet::from_def(def).err().unwrap_or_default();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].line, 0);
    assert!(errs[0].path.starts_with("themes[5].any["), "{}", errs[0].path);
}

#[test]
fn format_from_path() {
    use std::path::Path;
    assert_eq!(Format::from_path(Path::new("rules.JSON")), Some(Format::Json));
    assert_eq!(Format::from_path(Path::new("a/b/rules.toml")), Some(Format::Toml));
    assert_eq!(Format::from_path(Path::new("rules.yaml")), None);
}
