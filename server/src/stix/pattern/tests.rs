use super::*;

/// A compact picture of an observation expression: operators as prefixes, each
/// bracketed observation as its first string constant, qualifiers in braces.
fn shape(expression: &ObservationExpression) -> String {
    let list = |name: &str, items: &[ObservationExpression]| {
        let inner: Vec<String> = items.iter().map(shape).collect();
        format!("({name} {})", inner.join(" "))
    };
    match expression {
        ObservationExpression::Observation(observation) => {
            let mut text = match &observation.body {
                ObservationBody::Bracketed(comparison) => comparison_shape(comparison),
                ObservationBody::Parenthesized(inner) => format!("<{}>", shape(inner)),
            };
            for qualifier in &observation.qualifiers {
                let label = match qualifier {
                    Qualifier::Within { seconds, .. } => format!("W{seconds}"),
                    Qualifier::Repeats { times, .. } => format!("R{times}"),
                    Qualifier::StartStop { .. } => "SS".to_owned(),
                };
                text.push_str(&format!("{{{label}}}"));
            }
            text
        }
        ObservationExpression::And(items) => list("AND", items),
        ObservationExpression::Or(items) => list("OR", items),
        ObservationExpression::FollowedBy(items) => list("FOLLOWEDBY", items),
    }
}

fn comparison_shape(expression: &ComparisonExpression) -> String {
    let list = |name: &str, items: &[ComparisonExpression]| {
        let inner: Vec<String> = items.iter().map(comparison_shape).collect();
        format!("({name} {})", inner.join(" "))
    };
    match expression {
        ComparisonExpression::Comparison(comparison) => match &comparison.operand {
            Operand::Constant(Constant {
                value: Literal::String(text),
                ..
            }) => text.clone(),
            other => other.to_string(),
        },
        ComparisonExpression::Exists { path, negated, .. } => {
            format!("{}EXISTS {path}", if *negated { "NOT " } else { "" })
        }
        ComparisonExpression::And(items) => list("and", items),
        ComparisonExpression::Or(items) => list("or", items),
    }
}

fn parsed(pattern: &str) -> Pattern {
    Pattern::parse(pattern).unwrap_or_else(|e| panic!("case {pattern:?}: {e}"))
}

mod grammar {
    use super::*;

    #[test]
    fn patterns_the_grammar_allows_parse() {
        let cases = [
            // Every comparison operator, with and without NOT.
            "[file:name = 'a']",
            "[file:name == 'a']",
            "[file:name != 'a']",
            "[file:name <> 'a']",
            "[file:name NOT = 'a']",
            "[file:name NOT != 'a']",
            "[file:size < 1]",
            "[file:size <= 1]",
            "[file:size > 1]",
            "[file:size >= 1]",
            "[file:size NOT < 1]",
            "[file:size NOT >= 1]",
            "[file:name IN ('a', 'b')]",
            "[file:name NOT IN ('a')]",
            "[file:name IN ()]",
            "[file:name LIKE 'a%_']",
            "[file:name NOT LIKE 'a%']",
            "[file:name MATCHES '^a+$']",
            "[file:name NOT MATCHES '^a']",
            "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
            "[ipv4-addr:value NOT ISSUBSET '198.51.100.0/24']",
            "[ipv4-addr:value ISSUPERSET '198.51.100.1']",
            "[ipv4-addr:value NOT ISSUPERSET '198.51.100.1']",
            "[EXISTS file:name]",
            "[NOT EXISTS file:name]",
            // Constants.
            "[file:name = '']",
            "[file:name = 'it\\'s']",
            "[file:name = 'back\\\\slash']",
            "[file:name = 'multi\nline']",
            "[file:name = 'ünïcödé ☃']",
            "[file:size = 0]",
            "[file:size = -0]",
            "[file:size = +42]",
            "[file:size = -42]",
            "[file:size = 9007199254740991]",
            "[file:size = -9007199254740991]",
            "[file:size = 1.5]",
            "[file:size = .5]",
            "[file:size = -.5]",
            "[file:size = +0.5]",
            "[file:size = 00.5]",
            "[file:defanged = true]",
            "[file:defanged = false]",
            "[artifact:payload_bin = b'YQ==']",
            "[artifact:payload_bin = b'YWI=']",
            "[artifact:payload_bin = b'YWJj']",
            "[artifact:payload_bin = b'+/+/']",
            "[file:magic_number_hex = h'']",
            "[file:magic_number_hex = h'ffD8']",
            "[file:ctime = t'2016-01-01T00:00:00Z']",
            "[file:ctime = t'2016-01-01T00:00:00.123456789Z']",
            "[file:ctime = t'2016-02-29T00:00:00Z']",
            "[file:ctime = t'2016-12-31T23:59:60Z']",
            "[file:ctime < t'2016-01-01T00:00:00Z']",
            "[file:size IN (1, 2.5, 'a', b'YQ==', h'ff', t'2016-01-01T00:00:00Z', true)]",
            // Object paths.
            "[file:'name' = 'a']",
            "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
            "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
            "[file:contains_refs[0].name = 'a']",
            "[file:contains_refs[+1].name = 'a']",
            "[file:contains_refs[-1].name = 'a']",
            "[file:contains_refs[0][1] = 'a']",
            "[network-traffic:protocols[*] = 'tcp']",
            "[x-acme-widget:'AND' = 'a']",
            "[x-acme-widget:'true' = 'a']",
            "[x-acme-widget:_private = 'a']",
            "[file:x_acme = 'a']",
            // Observation operators and grouping.
            "[file:name = 'a'] AND [file:name = 'b']",
            "[file:name = 'a'] OR [file:name = 'b']",
            "[file:name = 'a'] FOLLOWEDBY [file:name = 'b']",
            "([file:name = 'a'])",
            "(([file:name = 'a'] OR [file:name = 'b']) AND [file:name = 'c'])",
            "[(file:name = 'a')]",
            "[(file:name = 'a' OR file:name = 'b') AND file:size = 1]",
            // Qualifiers.
            "[file:name = 'a'] WITHIN 5 SECONDS",
            "[file:name = 'a'] WITHIN 0.5 SECONDS",
            "[file:name = 'a'] WITHIN .5 SECONDS",
            "[file:name = 'a'] WITHIN +5 SECONDS",
            "[file:name = 'a'] REPEATS 5 TIMES",
            "[file:name = 'a'] REPEATS +5 TIMES",
            "[file:name = 'a'] START t'2016-01-01T00:00:00Z' STOP t'2016-01-01T00:00:00.001Z'",
            "[file:name = 'a'] REPEATS 2 TIMES WITHIN 5 SECONDS START t'2016-01-01T00:00:00Z' STOP t'2017-01-01T00:00:00Z'",
            "([file:name = 'a']) WITHIN 5 SECONDS WITHIN 6 SECONDS",
            // Whitespace and comments.
            " \t\r\n[file:name = 'a']\n",
            "[file:name='a']AND[file:size=1]",
            "[file:name = 'a']\u{a0}AND\u{2003}[file:size = 1]\u{3000}",
            "[file:name = 'a']\u{85}AND\u{2028}[file:size = 1]\u{2029}",
            "[file:name = 'a' /* comment */ AND file:size = 1]",
            "[file:name = 'a'] // to the end",
            "[file:name = 'a'] // line\nAND [file:size = 1]",
            "/* first */ [file:name = 'a']",
        ];
        for pattern in cases {
            let result = Pattern::parse(pattern);
            assert!(result.is_ok(), "case {pattern:?}: {result:?}");
        }
    }

    #[test]
    fn syntax_errors_name_the_offset_and_what_was_expected() {
        // (pattern, byte offset, part of `expected`, part of `found`)
        let cases = [
            ("", 0, "'[' or '('", "end of pattern"),
            ("   ", 3, "'[' or '('", "end of pattern"),
            ("file:name = 'a'", 0, "'[' or '('", "'file'"),
            ("[]", 1, "an object path", "']'"),
            ("[file:name = 'a'", 16, "']'", "end of pattern"),
            ("[file:name = 'a']]", 17, "end of pattern", "']'"),
            ("[[file:name = 'a']]", 1, "an object path", "'['"),
            ("([file:name = 'a']", 18, "')'", "end of pattern"),
            ("[file:name = 'a'])", 17, "end of pattern", "')'"),
            ("[(file:name = 'a']", 17, "')'", "']'"),
            ("()", 1, "'[' or '('", "')'"),
            // Keywords are upper case only; booleans lower case only.
            ("[file:name = 'a' and file:size = 1]", 17, "']'", "'and'"),
            (
                "[file:name = 'a'] and [file:size = 1]",
                18,
                "end of pattern",
                "'and'",
            ),
            (
                "[file:name = 'a'] Or [file:size = 1]",
                18,
                "end of pattern",
                "'Or'",
            ),
            ("[file:name = True]", 13, "a constant", "'True'"),
            ("[file:name = FALSE]", 13, "a constant", "'FALSE'"),
            ("[file:name = null]", 13, "a constant", "'null'"),
            (
                "[file:name = 'a'] within 5 SECONDS",
                18,
                "end of pattern",
                "'within'",
            ),
            (
                "[file:name = 'a'] WITHIN 5 seconds",
                27,
                "'SECONDS'",
                "'seconds'",
            ),
            // Operators and operands.
            ("[file:name]", 10, "a comparison operator", "']'"),
            ("[file:name =]", 12, "a constant", "']'"),
            ("[file:name === 'a']", 13, "a constant", "'='"),
            ("[file:name ! = 'a']", 11, "a pattern token", "'!'"),
            ("[file:name =< 'a']", 12, "a constant", "'<'"),
            (
                "[file:name NOT NOT = 'a']",
                15,
                "a comparison operator",
                "'NOT'",
            ),
            ("[NOT file:name = 'a']", 5, "'EXISTS'", "'file'"),
            (
                "[file:name NOT EXISTS]",
                15,
                "a comparison operator",
                "'EXISTS'",
            ),
            ("[NOT NOT EXISTS file:name]", 5, "'EXISTS'", "'NOT'"),
            ("[EXISTS file]", 12, "':'", "']'"),
            ("[file:size < true]", 13, "an orderable constant", "'true'"),
            ("[file:size IN 'a']", 14, "'(' starting a set", "'a'"),
            ("[file:size IN ('a',)]", 19, "a constant", "')'"),
            ("[file:size IN ('a' 'b')]", 19, "',' or ')'", "'b'"),
            ("[file:name LIKE 5]", 16, "a string constant", "'5'"),
            (
                "[file:name MATCHES b'YQ==']",
                19,
                "a string constant",
                "b'YQ=='",
            ),
            ("[file:name ISSUBSET 5]", 20, "a string constant", "'5'"),
            // Strings: only \' and \\ escape.
            ("[file:name = \"a\"]", 13, "a pattern token", "'\"'"),
            ("[file:name = 'a\\d']", 15, "only \\' or \\\\", "'\\d'"),
            ("[file:name = 'a\\n']", 15, "only \\' or \\\\", "'\\n'"),
            (
                "[file:name = 'open]",
                13,
                "a string closed by a quote",
                "'open]",
            ),
            ("[file:name = 'a'b']", 16, "closed by a quote", "b']"),
            // Numbers follow the grammar's longest match.
            ("[file:size = 01]", 14, "']'", "'1'"),
            ("[file:size = 1.]", 14, "']'", "'.'"),
            ("[file:size = 1.5e3]", 16, "']'", "'e3'"),
            ("[file:size = - 1]", 13, "a pattern token", "'-'"),
            ("[file:size = 0x1F]", 14, "']'", "'x1F'"),
            (
                "[file:size = 9007199254740992]",
                13,
                "STIX integer range",
                "'9007199254740992'",
            ),
            (
                "[file:size = -9007199254740992]",
                13,
                "STIX integer range",
                "'-9007199254740992'",
            ),
            // Object paths.
            ("[file: = 'a']", 7, "a property name", "'='"),
            ("[file = 'a']", 6, "':' after the object type", "'='"),
            ("[:name = 'a']", 1, "an object path", "':'"),
            ("[file:name. = 'a']", 12, "a property name", "'='"),
            ("[file:name.[0] = 'a']", 11, "a property name", "'['"),
            ("[file:name[a] = 'a']", 11, "a list index", "'a'"),
            ("[file:name[] = 'a']", 11, "a list index", "']'"),
            (
                "[file:name[0 = 'a']",
                13,
                "']' closing the list index",
                "'='",
            ),
            ("[file:name-x = 'a']", 6, "a property name", "'name-x'"),
            (
                "[file:extensions.windows-pebinary-ext.x = 'a']",
                17,
                "a property name",
                "'windows-pebinary-ext'",
            ),
            (
                "[file:hashes.SHA-256 = 'a']",
                13,
                "a property name",
                "'SHA-256'",
            ),
            ("[file:x.5 = 'a']", 7, "a comparison operator", "'.5'"),
            ("[file:\"name\" = 'a']", 6, "a pattern token", "'\"'"),
            ("[5file:name = 'a']", 1, "an object path", "'5'"),
            ("[file:LAST = 'a']", 6, "a property name", "'LAST'"),
            ("[file:AND = 'a']", 6, "a property name", "'AND'"),
            ("[file:true = 'a']", 6, "a property name", "'true'"),
            ("[true:x = 'a']", 1, "an object path", "'true'"),
            // Quoted constants need their exact prefix and content.
            (
                "[file:name = T'2016-01-01T00:00:00Z']",
                13,
                "a constant",
                "'T'",
            ),
            ("[file:name = H'ff']", 13, "a constant", "'H'"),
            ("[file:name = h 'ff']", 13, "a constant", "'h'"),
            ("[file:name = b'']", 13, "base64", "b''"),
            ("[file:name = b'YQ=']", 13, "base64", "b'YQ='"),
            ("[file:name = b'Y===']", 13, "base64", "b'Y==='"),
            ("[file:name = b'YQ==YQ==']", 13, "base64", "b'YQ==YQ=='"),
            ("[file:name = b'YQ-_']", 13, "base64", "b'YQ-_'"),
            (
                "[file:name = h'abc']",
                13,
                "even number of hex digits",
                "h'abc'",
            ),
            (
                "[file:name = h'gg']",
                13,
                "even number of hex digits",
                "h'gg'",
            ),
            (
                "[file:ctime = t'2016-01-01t00:00:00Z']",
                14,
                "a timestamp",
                "t'2016",
            ),
            (
                "[file:ctime = t'2016-01-01T00:00:00z']",
                14,
                "a timestamp",
                "t'2016",
            ),
            (
                "[file:ctime = t'2016-13-01T00:00:00Z']",
                14,
                "a timestamp",
                "t'2016",
            ),
            (
                "[file:ctime = t'2016-12-01T24:00:00Z']",
                14,
                "a timestamp",
                "t'2016",
            ),
            (
                "[file:ctime = t'2016-12-01T23:59:61Z']",
                14,
                "a timestamp",
                "t'2016",
            ),
            (
                "[file:ctime = t'2016-12-01T23:59:59.Z']",
                14,
                "a timestamp",
                "t'2016",
            ),
            (
                "[file:ctime = t'2016-12-01T23:59:59+00:00']",
                14,
                "a timestamp",
                "t'2016",
            ),
            (
                "[file:ctime = t'2016-12-01']",
                14,
                "a timestamp",
                "t'2016-12-01'",
            ),
            (
                "[file:ctime = t'2016-01-01T00:00:00Z]",
                14,
                "closed by a quote",
                "t'2016",
            ),
            // Qualifiers.
            (
                "[file:name = 'a'] WITHIN 5 MINUTES",
                27,
                "'SECONDS'",
                "'MINUTES'",
            ),
            (
                "[file:name = 'a'] WITHIN 5",
                26,
                "'SECONDS'",
                "end of pattern",
            ),
            (
                "[file:name = 'a'] WITHIN -5 SECONDS",
                25,
                "a number of seconds",
                "'-5'",
            ),
            (
                "[file:name = 'a'] WITHIN '5' SECONDS",
                25,
                "a number of seconds",
                "'5'",
            ),
            (
                "[file:name = 'a'] REPEATS 5.0 TIMES",
                26,
                "a whole number",
                "'5.0'",
            ),
            (
                "[file:name = 'a'] REPEATS -1 TIMES",
                26,
                "a whole number",
                "'-1'",
            ),
            (
                "[file:name = 'a'] REPEATS 5",
                27,
                "'TIMES'",
                "end of pattern",
            ),
            (
                "[file:name = 'a'] REPEATED 5 TIMES",
                18,
                "end of pattern",
                "'REPEATED'",
            ),
            (
                "[file:name = 'a'] START '2016-01-01T00:00:00Z' STOP '2017-01-01T00:00:00Z'",
                24,
                "a timestamp",
                "'2016-01-01T00:00:00Z'",
            ),
            (
                "[file:name = 'a'] START t'2016-01-01T00:00:00Z'",
                47,
                "'STOP'",
                "end of pattern",
            ),
            (
                "[file:name = 'a'] STOP t'2016-01-01T00:00:00Z'",
                18,
                "end of pattern",
                "'STOP'",
            ),
            (
                "[file:name = 'a'] LAST 5 SECONDS",
                18,
                "end of pattern",
                "'LAST'",
            ),
            (
                "WITHIN 5 SECONDS [file:name = 'a']",
                0,
                "'[' or '('",
                "'WITHIN'",
            ),
            // Observation operators need observations on both sides.
            ("[file:name = 'a'] AND", 21, "'[' or '('", "end of pattern"),
            ("AND [file:name = 'a']", 0, "'[' or '('", "'AND'"),
            (
                "[file:name = 'a'] [file:name = 'b']",
                18,
                "end of pattern",
                "'['",
            ),
            (
                "[file:name = 'a'] AND NOT [file:name = 'b']",
                22,
                "'[' or '('",
                "'NOT'",
            ),
            (
                "[file:name = 'a'] ALONGWITH [file:name = 'b']",
                18,
                "end of pattern",
                "'ALONGWITH'",
            ),
            ("[file:name = 'a' AND]", 20, "an object path", "']'"),
            // Stray characters and comments.
            ("[file:name = 'a'] ^", 18, "a pattern token", "'^'"),
            ("[file:name = 'a'] / 5", 18, "a pattern token", "'/'"),
            ("[file:name = 'a'];", 17, "a pattern token", "';'"),
            ("[file:name = 'a'] /* open", 18, "'*/'", "end of pattern"),
            (
                "[file:name = 'a']\u{200b}",
                17,
                "a pattern token",
                "'\u{200b}'",
            ),
            ("[file:name = 'é'] x", 19, "end of pattern", "'x'"),
        ];
        for (pattern, offset, expected, found) in cases {
            let error = Pattern::parse(pattern).expect_err(pattern);
            assert_eq!(error.offset, offset, "case {pattern:?}: {error}");
            assert!(
                error.expected.contains(expected),
                "case {pattern:?}: {error}"
            );
            assert!(error.found.contains(found), "case {pattern:?}: {error}");
        }
    }

    #[test]
    fn errors_read_as_offset_expected_and_found() {
        let error = Pattern::parse("[file:name = 'a' FOLLOWEDBY [file:name = 'b']]")
            .expect_err("FOLLOWEDBY inside brackets");
        assert_eq!(
            error.to_string(),
            "at offset 17: expected ']' but found 'FOLLOWEDBY'"
        );
        let long = format!("[file:name = 'a'] '{}'", "x".repeat(200));
        let error = Pattern::parse(&long).expect_err("long");
        assert!(
            error.found.len() < 50,
            "found is shortened: {}",
            error.found
        );
    }
}

mod structure {
    use super::*;

    #[test]
    fn observation_operators_bind_followedby_loosest_then_or_then_and() {
        let cases = [
            ("[a:x='a'] AND [a:x='b']", "(AND a b)"),
            ("[a:x='a'] AND [a:x='b'] AND [a:x='c']", "(AND a b c)"),
            ("[a:x='a'] OR [a:x='b'] AND [a:x='c']", "(OR a (AND b c))"),
            ("[a:x='a'] AND [a:x='b'] OR [a:x='c']", "(OR (AND a b) c)"),
            (
                "[a:x='a'] FOLLOWEDBY [a:x='b'] OR [a:x='c']",
                "(FOLLOWEDBY a (OR b c))",
            ),
            (
                "[a:x='a'] OR [a:x='b'] FOLLOWEDBY [a:x='c'] AND [a:x='d']",
                "(FOLLOWEDBY (OR a b) (AND c d))",
            ),
            (
                "([a:x='a'] OR [a:x='b']) AND [a:x='c']",
                "(AND <(OR a b)> c)",
            ),
            ("(([a:x='a']))", "<<a>>"),
        ];
        for (pattern, expected) in cases {
            let pattern = Pattern::parse_with(pattern, Vocabulary::Open).expect(pattern);
            assert_eq!(shape(&pattern.expression), expected, "case {pattern}");
        }
    }

    #[test]
    fn qualifiers_bind_to_the_nearest_observation() {
        let cases = [
            (
                "[a:x='a'] FOLLOWEDBY [a:x='b'] REPEATS 5 TIMES",
                "(FOLLOWEDBY a b{R5})",
            ),
            (
                "[a:x='a'] WITHIN 5 SECONDS FOLLOWEDBY [a:x='b']",
                "(FOLLOWEDBY a{W5} b)",
            ),
            (
                "([a:x='a'] FOLLOWEDBY [a:x='b']) REPEATS 5 TIMES",
                "<(FOLLOWEDBY a b)>{R5}",
            ),
            (
                "[a:x='a'] AND [a:x='b'] WITHIN 0.5 SECONDS",
                "(AND a b{W0.5})",
            ),
            ("[a:x='a'] REPEATS 2 TIMES WITHIN 10 SECONDS", "a{R2}{W10}"),
            (
                "[a:x='a'] START t'2016-01-01T00:00:00Z' STOP t'2017-01-01T00:00:00Z' OR [a:x='b']",
                "(OR a{SS} b)",
            ),
            (
                "([a:x='a'] WITHIN 5 SECONDS) WITHIN 6 SECONDS",
                "<a{W5}>{W6}",
            ),
        ];
        for (pattern, expected) in cases {
            let pattern = Pattern::parse_with(pattern, Vocabulary::Open).expect(pattern);
            assert_eq!(shape(&pattern.expression), expected, "case {pattern}");
        }
    }

    #[test]
    fn comparisons_bind_and_tighter_than_or() {
        let cases = [
            ("[a:x='a' AND a:x='b' OR a:x='c']", "(or (and a b) c)"),
            ("[a:x='a' OR a:x='b' AND a:x='c']", "(or a (and b c))"),
            ("[(a:x='a' OR a:x='b') AND a:x='c']", "(and (or a b) c)"),
            ("[a:x='a' AND NOT EXISTS a:y]", "(and a NOT EXISTS a:y)"),
            ("[((a:x='a'))]", "a"),
        ];
        for (pattern, expected) in cases {
            let pattern = Pattern::parse_with(pattern, Vocabulary::Open).expect(pattern);
            assert_eq!(shape(&pattern.expression), expected, "case {pattern}");
        }
    }

    #[test]
    fn constants_keep_their_type_and_value() {
        let cases = [
            ("'it\\'s \\\\ ok'", Literal::String("it's \\ ok".into())),
            ("42", Literal::Integer(42)),
            ("+42", Literal::Integer(42)),
            ("-42", Literal::Integer(-42)),
            ("-.25", Literal::Float(-0.25)),
            ("1.5", Literal::Float(1.5)),
            ("true", Literal::Boolean(true)),
            ("false", Literal::Boolean(false)),
            ("b'YWJj'", Literal::Binary("YWJj".into())),
            ("h'ff00'", Literal::Hex("ff00".into())),
            (
                "t'2016-01-01T00:00:00Z'",
                Literal::Timestamp("2016-01-01T00:00:00Z".into()),
            ),
        ];
        for (text, expected) in cases {
            let pattern = parsed(&format!("[file:size = {text}]"));
            let ObservationExpression::Observation(Observation {
                body: ObservationBody::Bracketed(ComparisonExpression::Comparison(comparison)),
                ..
            }) = &pattern.expression
            else {
                panic!("case {text}: not one comparison");
            };
            let Operand::Constant(constant) = &comparison.operand else {
                panic!("case {text}: not a constant");
            };
            assert_eq!(constant.value, expected, "case {text}");
            assert_eq!(constant.offset, 13, "case {text}");
        }
    }

    #[test]
    fn object_paths_keep_every_step_unquoted() {
        let pattern =
            parsed("[file:extensions.'windows-pebinary-ext'.sections[*].hashes[-1].'x y' = 'a']");
        let ObservationExpression::Observation(Observation {
            body: ObservationBody::Bracketed(ComparisonExpression::Comparison(comparison)),
            ..
        }) = &pattern.expression
        else {
            panic!("not one comparison");
        };
        assert_eq!(comparison.path.object_type, "file");
        assert_eq!(comparison.path.property, "extensions");
        assert_eq!(
            comparison.path.steps,
            vec![
                PathStep::Key("windows-pebinary-ext".into()),
                PathStep::Key("sections".into()),
                PathStep::AnyIndex,
                PathStep::Key("hashes".into()),
                PathStep::Index(-1),
                PathStep::Key("x y".into()),
            ]
        );
    }

    #[test]
    fn patterns_print_canonically_and_reparse_to_the_same_text() {
        let cases = [
            ("[file:name=='a']", "[file:name = 'a']"),
            ("[file:name<>'a']", "[file:name != 'a']"),
            ("[file:'name' NOT = 'it\\'s']", "[file:name NOT = 'it\\'s']"),
            (
                "[file:hashes.'SHA-256' LIKE 'x%'  OR file:size>=+1]",
                "[file:hashes.'SHA-256' LIKE 'x%' OR file:size >= 1]",
            ),
            (
                "[(file:name = 'a' OR file:name = 'b') AND file:size = 1.0]",
                "[(file:name = 'a' OR file:name = 'b') AND file:size = 1.0]",
            ),
            (
                "[file:size IN (1,2)] REPEATS +2 TIMES WITHIN .5 SECONDS",
                "[file:size IN (1, 2)] REPEATS 2 TIMES WITHIN 0.5 SECONDS",
            ),
            (
                "([file:name = 'a'])FOLLOWEDBY[NOT EXISTS file:name]",
                "([file:name = 'a']) FOLLOWEDBY [NOT EXISTS file:name]",
            ),
            ("[x-acme:'AND' = true]", "[x-acme:'AND' = true]"),
        ];
        for (pattern, canonical) in cases {
            let printed = parsed(pattern).to_string();
            assert_eq!(printed, canonical, "case {pattern:?}");
            assert_eq!(parsed(&printed).to_string(), canonical, "case {pattern:?}");
        }
    }

    #[test]
    fn observables_are_the_equality_comparisons_in_order() {
        let pattern = parsed(
            "[ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value != '198.51.100.2'] \
             FOLLOWEDBY ([file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' \
             AND file:name NOT = 'skip.exe' AND file:size = 42] \
             OR [domain-name:value == 'example.com' AND domain-name:value LIKE '%.example' \
             AND EXISTS domain-name:resolves_to_refs AND x-acme:blob = b'YQ=='])",
        );
        assert_eq!(
            pattern.observables(),
            vec![
                ("ipv4-addr:value".to_owned(), "198.51.100.1".to_owned()),
                (
                    "file:hashes.'SHA-256'".to_owned(),
                    "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f".to_owned()
                ),
                ("file:size".to_owned(), "42".to_owned()),
                ("domain-name:value".to_owned(), "example.com".to_owned()),
                ("x-acme:blob".to_owned(), "YQ==".to_owned()),
            ]
        );
    }
}

mod semantics {
    use super::*;

    #[test]
    fn grammatical_patterns_breaking_a_rule_of_section_9_are_refused() {
        // (pattern, byte offset, part of `expected`)
        let cases = [
            // Qualifier values.
            ("[file:name = 'a'] WITHIN 0 SECONDS", 18, "greater than 0"),
            ("[file:name = 'a'] WITHIN 0.0 SECONDS", 18, "greater than 0"),
            ("[file:name = 'a'] REPEATS 0 TIMES", 18, "at least 1"),
            ("[file:name = 'a'] REPEATS +0 TIMES", 18, "at least 1"),
            (
                "[file:name = 'a'] REPEATS 9007199254740992 TIMES",
                26,
                "integer range",
            ),
            (
                "[file:name = 'a'] WITHIN 9007199254740992 SECONDS",
                25,
                "integer range",
            ),
            (
                "[file:name = 'a'] WITHIN 99999999999999999999.5 SECONDS",
                25,
                "up to 2^53-1",
            ),
            // START strictly before STOP.
            (
                "[file:name = 'a'] START t'2017-01-01T00:00:00Z' STOP t'2016-01-01T00:00:00Z'",
                18,
                "STOP timestamp later than START",
            ),
            (
                "[file:name = 'a'] START t'2016-01-01T00:00:00Z' STOP t'2016-01-01T00:00:00.000Z'",
                18,
                "STOP timestamp later than START",
            ),
            // Calendar-valid timestamps.
            (
                "[file:name = 'a'] START t'2016-02-30T00:00:00Z' STOP t'2017-01-01T00:00:00Z'",
                18,
                "a valid timestamp",
            ),
            (
                "[file:ctime = t'2015-02-29T00:00:00Z']",
                14,
                "a valid timestamp",
            ),
            (
                "[file:ctime IN (t'2016-04-31T00:00:00Z')]",
                16,
                "a valid timestamp",
            ),
            // One qualifier of a kind on a bracketed observation.
            (
                "[file:name = 'a'] WITHIN 5 SECONDS WITHIN 6 SECONDS",
                35,
                "at most one WITHIN",
            ),
            (
                "[file:name = 'a'] REPEATS 2 TIMES REPEATS 3 TIMES",
                34,
                "at most one REPEATS",
            ),
            (
                "[file:name = 'a'] START t'2016-01-01T00:00:00Z' STOP t'2017-01-01T00:00:00Z' START t'2016-01-01T00:00:00Z' STOP t'2017-01-01T00:00:00Z'",
                77,
                "at most one START/STOP",
            ),
            // Regular expressions must compile.
            ("[file:name MATCHES '(']", 19, "PCRE"),
            ("[file:name MATCHES '[a-z']", 19, "PCRE"),
            ("[file:name MATCHES '*a']", 19, "PCRE"),
            ("[file:name NOT MATCHES 'a{3,1}']", 23, "PCRE"),
            ("[file:name MATCHES 'a\\\\']", 19, "PCRE"),
            // Object types and properties.
            ("[foo:bar = 'a']", 1, "cyber-observable object type"),
            ("[indicator:name = 'a']", 1, "cyber-observable object type"),
            ("[FILE:name = 'a']", 1, "cyber-observable object type"),
            ("[x-:bar = 'a']", 1, "custom object type name"),
            ("[x-Foo:bar = 'a']", 1, "custom object type name"),
            ("[x--foo:bar = 'a']", 1, "custom object type name"),
            ("[file:foo = 'a']", 1, "a property of 'file'"),
            ("[file:NAME = 'a']", 1, "a property of 'file'"),
            ("[process:name = 'a']", 1, "a property of 'process'"),
            ("[file:_x = 'a']", 1, "a property of 'file'"),
            (
                "[file:name = 'a' AND EXISTS ipv4-addr:bogus]",
                28,
                "a property of 'ipv4-addr'",
            ),
            // Addresses.
            ("[ipv4-addr:value = '1.2.3.999']", 19, "IPv4"),
            ("[ipv4-addr:value = '01.2.3.4']", 19, "IPv4"),
            ("[ipv4-addr:value = '1.2.3.4/33']", 19, "IPv4"),
            ("[ipv4-addr:value = '1.2.3.4/08']", 19, "IPv4"),
            ("[ipv4-addr:value = '::1']", 19, "IPv4"),
            ("[ipv4-addr:value = 16909060]", 19, "IPv4"),
            ("[ipv4-addr:value NOT = 'x']", 23, "IPv4"),
            ("[ipv4-addr:value IN ('1.2.3.4', 'x')]", 32, "IPv4"),
            ("[ipv4-addr:value ISSUBSET '10.0.0.0/40']", 26, "IPv4"),
            ("[ipv6-addr:value = '1.2.3.4']", 19, "IPv6"),
            ("[ipv6-addr:value = '2001:db8::/129']", 19, "IPv6"),
            ("[ipv6-addr:value ISSUPERSET 'fe80::1%eth0']", 28, "IPv6"),
            // Hash values.
            ("[file:hashes.MD5 = 'abc']", 19, "MD5 hash"),
            (
                "[file:hashes.md5 = 'CEAD3F77F6CDA6EC00F57D76C9A6879'] ",
                19,
                "md5 hash",
            ),
            (
                "[file:hashes.'SHA-256' != 'cead3f77f6cda6ec00f57d76c9a6879f']",
                26,
                "SHA-256 hash",
            ),
            ("[artifact:hashes.'SHA-1' = 5]", 27, "SHA-1 hash"),
            ("[file:hashes.SSDEEP = 'bad value!']", 22, "SSDEEP hash"),
            (
                "[file:extensions.'ntfs-ext'.alternate_data_streams[0].hashes.MD5 IN ('zz')]",
                69,
                "MD5 hash",
            ),
        ];
        for (pattern, offset, expected) in cases {
            let error = Pattern::parse(pattern).expect_err(pattern);
            assert_eq!(error.offset, offset, "case {pattern:?}: {error}");
            assert!(
                error.expected.contains(expected),
                "case {pattern:?}: {error}"
            );
        }
    }

    #[test]
    fn the_rules_leave_good_patterns_alone() {
        let cases = [
            "[ipv4-addr:value = '198.51.100.1']",
            "[ipv4-addr:value = '198.51.100.0/24']",
            "[ipv4-addr:value = '0.0.0.0/0']",
            "[ipv4-addr:value LIKE '198.51.%']",
            "[ipv4-addr:value MATCHES '^198\\\\.']",
            "[ipv4-addr:x_note = 'not an address']",
            "[ipv6-addr:value = '2001:db8::1']",
            "[ipv6-addr:value = '::ffff:198.51.100.1']",
            "[ipv6-addr:value = '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
            "[network-traffic:dst_ref.value = 'example.com']",
            "[file:hashes.MD5 = 'CEAD3F77F6CDA6EC00F57D76C9A6879F']",
            "[file:hashes.'SHA-256' LIKE 'aec07%']",
            "[file:hashes.MD5 MATCHES '^cead']",
            "[file:hashes.TLSH = 'T1anything']",
            "[file:hashes = 'whatever']",
            "[file:hashes.'SHA-512' IN ()]",
            "[file:name = 'a'] START t'2016-02-29T00:00:00Z' STOP t'2016-03-01T00:00:00Z'",
            "[file:name = 'a'] WITHIN 0.001 SECONDS",
            "[file:name = 'a'] REPEATS 1 TIMES",
            "[file:name = 'a'] REPEATS 9007199254740991 TIMES",
            "[file:name MATCHES '(?<!x)y(?=z)(?i:abc)\\\\d{2,}?[[:alpha:]]+']",
            "[x-acme-sensor:reading > 5 AND x-acme-sensor:anything.at[0].all = 'a']",
            "[file:x_acme_tag = 'a']",
            "[email-message:additional_header_fields.'X-Mailer' = 'a']",
            "[file:type = 'file' AND file:id != 'x' AND file:defanged = false]",
        ];
        for pattern in cases {
            let result = Pattern::parse(pattern);
            assert!(result.is_ok(), "case {pattern:?}: {result:?}");
        }
    }

    #[test]
    fn the_open_vocabulary_accepts_any_type_and_property_but_keeps_other_rules() {
        let cases = [
            ("[x:y = 'z']", true),
            ("[foo:bar = 'a']", true),
            ("[win-registry-key:key = 'a']", true),
            ("[file:created = t'2016-01-01T00:00:00Z']", true),
            ("[process:name = 'a']", true),
            ("[foo:bar = 'a'] WITHIN 0 SECONDS", false),
            ("[ipv4-addr:value = 'x']", false),
            ("[foo:bar MATCHES '(']", false),
            ("[foo:bar = ", false),
        ];
        for (pattern, valid) in cases {
            let result = Pattern::parse_with(pattern, Vocabulary::Open);
            assert_eq!(result.is_ok(), valid, "case {pattern:?}: {result:?}");
        }
    }
}

mod limits {
    use super::*;

    #[test]
    fn nesting_is_bounded() {
        let observation = |depth: usize| {
            format!(
                "{}[file:name = 'a']{}",
                "(".repeat(depth),
                ")".repeat(depth)
            )
        };
        let comparison = |depth: usize| {
            format!(
                "[{}file:name = 'a'{}]",
                "(".repeat(depth),
                ")".repeat(depth)
            )
        };
        let cases = [
            (observation(MAX_NESTING - 1), true),
            (observation(MAX_NESTING), false),
            (observation(64), false),
            (observation(100_000), false),
            (comparison(MAX_NESTING - 1), true),
            (comparison(MAX_NESTING), false),
            (comparison(64), false),
            ("(".repeat(1_000_000), false),
            ("[".repeat(1_000_000), false),
        ];
        for (pattern, valid) in cases {
            let result = Pattern::parse(&pattern);
            assert_eq!(result.is_ok(), valid, "case of {} chars", pattern.len());
            if let Err(error) = result {
                assert!(
                    error.expected.contains("nested") || error.offset < 64,
                    "case {} chars: {error}",
                    pattern.len()
                );
            }
        }
    }

    #[test]
    fn long_flat_chains_parse_without_deep_recursion() {
        let observations = vec!["[file:name = 'a']"; 50_000].join(" AND ");
        let comparisons = format!("[{}]", vec!["file:size = 1"; 50_000].join(" OR "));
        let qualifiers = format!("([file:name = 'a']){}", " WITHIN 1 SECONDS".repeat(20_000));
        let followed = vec!["[file:name = 'a'] REPEATS 2 TIMES"; 20_000].join(" FOLLOWEDBY ");
        for pattern in [observations, comparisons, qualifiers, followed] {
            let parsed = Pattern::parse(&pattern);
            assert!(parsed.is_ok(), "case {} chars", pattern.len());
            assert!(!parsed.expect("ok").to_string().is_empty());
        }
        let huge_string = format!("[file:name = '{}']", "é".repeat(500_000));
        assert!(Pattern::parse(&huge_string).is_ok(), "case huge string");
    }

    /// xorshift64: deterministic, so failures reproduce.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, bound: usize) -> usize {
            usize::try_from(self.next() % bound as u64).unwrap_or(0)
        }
    }

    #[test]
    fn random_token_soup_never_panics_and_prints_stably() {
        const ALPHABET: &[&str] = &[
            "[",
            "]",
            "(",
            ")",
            "[",
            "]",
            "(",
            ")",
            ":",
            ".",
            ",",
            "*",
            "=",
            "==",
            "!=",
            "<>",
            "<",
            "<=",
            ">",
            ">=",
            "!",
            "AND",
            "OR",
            "NOT",
            "FOLLOWEDBY",
            "IN",
            "LIKE",
            "MATCHES",
            "ISSUBSET",
            "ISSUPERSET",
            "EXISTS",
            "WITHIN",
            "REPEATS",
            "TIMES",
            "SECONDS",
            "START",
            "STOP",
            "LAST",
            "file",
            "name",
            "ipv4-addr",
            "value",
            "x-acme",
            "x_tag",
            "hashes",
            "MD5",
            "'SHA-256'",
            "file:name",
            "ipv4-addr:value",
            "file:size",
            "file:hashes.MD5",
            "x-acme:a",
            "[0]",
            "[*]",
            "[-1]",
            "'a'",
            "''",
            "'\\''",
            "'\\\\'",
            "'\\x'",
            "'",
            "'(?'",
            "'[z-a]'",
            "'198.51.100.1'",
            "'10.0.0.0/8'",
            "'::1'",
            "'cead3f77f6cda6ec00f57d76c9a6879f'",
            "0",
            "1",
            "-1",
            "+5",
            "01",
            ".5",
            "-.5",
            "1.",
            "1.5",
            "9007199254740992",
            "true",
            "false",
            "True",
            "b'YQ=='",
            "b'YQ='",
            "h'ff'",
            "h'f'",
            "t'2016-01-01T00:00:00Z'",
            "t'2017-01-01T00:00:00Z'",
            "t'2016-02-30T00:00:00Z'",
            "t'",
            "h'",
            "b'",
            "/*",
            "*/",
            "//",
            "\n",
            " ",
            " ",
            "\t",
            "\u{a0}",
            "\u{3000}",
            "é",
            "\u{200b}",
            "#",
            "^",
            "/",
            "-",
            "+",
            "\\",
        ];
        // Half the inputs are token soup; half are corpus patterns with a few tokens
        // inserted, deleted or replaced, which keeps them close to valid.
        let seeds: Vec<&str> = super::corpus::CORPUS
            .lines()
            .filter_map(|line| line.strip_prefix("valid\t"))
            .map(|line| line.split_once('\t').map_or(line, |(pattern, _)| pattern))
            .collect();
        let mut random = XorShift(0x9E37_79B9_7F4A_7C15);
        let mut accepted = 0;
        for round in 0..20_000 {
            let mut pattern = String::new();
            if round % 2 == 0 {
                for _ in 0..random.below(40) {
                    pattern.push_str(ALPHABET[random.below(ALPHABET.len())]);
                    if random.below(3) == 0 {
                        pattern.push(' ');
                    }
                }
            } else {
                pattern.push_str(seeds[random.below(seeds.len())]);
                for _ in 0..=random.below(3) {
                    let mut at = random.below(pattern.len() + 1);
                    while !pattern.is_char_boundary(at) {
                        at -= 1;
                    }
                    let token = ALPHABET[random.below(ALPHABET.len())];
                    match random.below(3) {
                        0 => pattern.insert_str(at, token),
                        1 => {
                            let mut end = (at + 1 + random.below(4)).min(pattern.len());
                            while !pattern.is_char_boundary(end) {
                                end += 1;
                            }
                            pattern.replace_range(at..end, "");
                        }
                        _ => {
                            let mut end = (at + token.len()).min(pattern.len());
                            while !pattern.is_char_boundary(end) {
                                end += 1;
                            }
                            pattern.replace_range(at..end, token);
                        }
                    }
                }
            }
            for vocabulary in [Vocabulary::Strict, Vocabulary::Open] {
                match Pattern::parse_with(&pattern, vocabulary) {
                    Ok(parsed) => {
                        accepted += 1;
                        let printed = parsed.to_string();
                        let again = Pattern::parse_with(&printed, vocabulary).unwrap_or_else(|e| {
                            panic!("case {pattern:?} printed {printed:?}: {e}")
                        });
                        assert_eq!(again.to_string(), printed, "case {pattern:?}");
                        let _ = parsed.observables();
                    }
                    Err(error) => {
                        assert!(
                            error.offset <= pattern.len() && pattern.is_char_boundary(error.offset),
                            "case {pattern:?}: {error}"
                        );
                        assert!(!error.to_string().is_empty());
                    }
                }
            }
        }
        // Mutants of valid patterns stay valid often enough to exercise printing.
        assert!(accepted > 1_000, "case only {accepted} inputs accepted");
    }

    #[test]
    fn well_formed_random_patterns_round_trip() {
        const OBSERVATIONS: &[&str] = &[
            "[file:name = 'a']",
            "[ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value ISSUBSET '10.0.0.0/8']",
            "[file:size > 1.5 AND NOT EXISTS file:hashes.MD5]",
            "[file:name NOT IN ('x', 'y')]",
            "[x-acme:'AND'[0].b = b'YQ==']",
            "[file:ctime < t'2016-01-01T00:00:00Z' AND (file:size = -1 OR file:name LIKE '%')]",
        ];
        const QUALIFIERS: &[&str] = &[
            "",
            "",
            " WITHIN 5 SECONDS",
            " WITHIN 0.25 SECONDS",
            " REPEATS 3 TIMES",
            " START t'2016-01-01T00:00:00Z' STOP t'2016-01-02T00:00:00Z'",
        ];
        const JOINS: &[&str] = &[" AND ", " OR ", " FOLLOWEDBY "];
        let mut random = XorShift(0x2545_F491_4F6C_DD1D);
        for _ in 0..2_000 {
            let mut pattern = String::new();
            let mut open = 0;
            for i in 0..=random.below(6) {
                if i > 0 {
                    if open > 0 && random.below(3) == 0 {
                        pattern.push(')');
                        open -= 1;
                    }
                    pattern.push_str(JOINS[random.below(JOINS.len())]);
                }
                if random.below(4) == 0 {
                    pattern.push('(');
                    open += 1;
                }
                pattern.push_str(OBSERVATIONS[random.below(OBSERVATIONS.len())]);
                pattern.push_str(QUALIFIERS[random.below(QUALIFIERS.len())]);
            }
            pattern.push_str(&")".repeat(open));
            let printed = parsed(&pattern).to_string();
            assert_eq!(parsed(&printed).to_string(), printed, "case {pattern:?}");
        }
    }
}

mod wiring {
    use serde_json::value::RawValue;

    use crate::stix::validate_object;

    fn verdict(pattern_json: &str, pattern_type: &str) -> Result<(), String> {
        let json = format!(
            r#"{{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","pattern":{pattern_json},"pattern_type":"{pattern_type}","valid_from":"2016-01-01T00:00:00Z"}}"#
        );
        let raw: Box<RawValue> = serde_json::from_str(&json).expect("json");
        validate_object(&raw, 0).map(|_| ()).map_err(|r| r.message)
    }

    #[test]
    fn indicators_with_stix_patterns_are_parsed_on_ingest() {
        let cases = [
            (r#""[ipv4-addr:value = '198.51.100.1']""#, "stix", None),
            (
                r#""[x:y = 'z']""#,
                "stix",
                Some("expected a STIX 2.1 cyber-observable object type"),
            ),
            (r#""[x-acme-thing:y = 'z']""#, "stix", None),
            (
                r#""[ipv4-addr:value = '198.51.100.1'""#,
                "stix",
                Some(
                    "property 'pattern' is not a valid STIX pattern: at offset 33: expected ']' but found end of pattern",
                ),
            ),
            (
                r#""[file:name = 'a'] WITHIN 0 SECONDS""#,
                "stix",
                Some("greater than 0 seconds"),
            ),
            (r#"42"#, "stix", Some("property 'pattern' must be a string")),
            (r#""alert tcp any any -> any any""#, "snort", None),
            (r#""not a pattern""#, "STIX", None),
        ];
        for (pattern, pattern_type, expected) in cases {
            let result = verdict(pattern, pattern_type);
            match expected {
                None => assert_eq!(result, Ok(()), "case {pattern}"),
                Some(message) => {
                    let error = result.expect_err(pattern);
                    assert!(error.contains(message), "case {pattern}: {error}");
                }
            }
        }
    }
}

mod corpus {
    use super::*;

    /// Verdicts checked against the OASIS validator (`stix2patterns`, STIX 2.1); lines
    /// ending in `# oracle disagrees: ...` follow the specification instead.
    pub(super) const CORPUS: &str = include_str!("corpus.txt");
    const DISAGREES: &str = "\t# oracle disagrees:";

    #[test]
    fn every_corpus_verdict_holds() {
        let mut failures = Vec::new();
        let mut cases = 0;
        for (number, line) in CORPUS.lines().enumerate() {
            if line.starts_with('#') {
                continue;
            }
            let line = line.split_once(DISAGREES).map_or(line, |(case, _)| case);
            let (verdict, pattern) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("line {}: not verdict<TAB>pattern", number + 1));
            let valid = match verdict {
                "valid" => true,
                "invalid" => false,
                other => panic!("line {}: unknown verdict {other:?}", number + 1),
            };
            cases += 1;
            let result = Pattern::parse(pattern);
            if result.is_ok() != valid {
                failures.push(format!(
                    "line {}: {verdict} {pattern:?} -> {result:?}",
                    number + 1
                ));
            }
        }
        assert!(cases >= 300, "the corpus has {cases} cases");
        assert!(
            failures.is_empty(),
            "{} corpus failures:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}
