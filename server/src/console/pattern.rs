//! A STIX pattern rendered readably: observation and comparison operators as nested
//! lists, one test per line, with the observables the hub extracted from it.

use maud::{Markup, html};

use crate::stix::observable::{self, Observable};
use crate::stix::pattern::{ComparisonExpression, ObservationBody, ObservationExpression, Pattern};

/// The pattern's tree and its observables, or the parser's complaint (stored objects
/// were validated, so this only shows for patterns in other languages).
pub fn render(text: &str) -> (Markup, Vec<Observable>) {
    match Pattern::parse(text) {
        Ok(pattern) => (
            html! { div class="pattern" id="pattern" { (observation(&pattern.expression)) } },
            observable::from_pattern(&pattern),
        ),
        Err(error) => (
            html! { p class="problem" { (error.to_string()) } pre { (text) } },
            Vec::new(),
        ),
    }
}

fn joined<T>(operator: &str, operands: &[T], each: impl Fn(&T) -> Markup) -> Markup {
    html! {
        ul {
            @for (i, operand) in operands.iter().enumerate() {
                @if i > 0 { li { span class="op" { (operator) } } }
                li { (each(operand)) }
            }
        }
    }
}

fn observation(expression: &ObservationExpression) -> Markup {
    match expression {
        ObservationExpression::Observation(observation) => html! {
            @match &observation.body {
                ObservationBody::Bracketed(comparisons) => (comparison(comparisons)),
                ObservationBody::Parenthesized(inner) => (observation_list(inner)),
            }
            @for qualifier in &observation.qualifiers {
                div { span class="op" { (qualifier.to_string()) } }
            }
        },
        ObservationExpression::And(operands) => joined("AND", operands, observation),
        ObservationExpression::Or(operands) => joined("OR", operands, observation),
        ObservationExpression::FollowedBy(operands) => joined("FOLLOWEDBY", operands, observation),
    }
}

fn observation_list(expression: &ObservationExpression) -> Markup {
    html! { ul { li { (observation(expression)) } } }
}

fn comparison(expression: &ComparisonExpression) -> Markup {
    match expression {
        ComparisonExpression::Comparison(test) => html! {
            code { (test.path.to_string()) }
            " "
            span class="op" {
                @if test.negated { "NOT " }
                (test.operator.as_str())
            }
            " "
            code class="operand" { (test.operand.to_string()) }
        },
        ComparisonExpression::Exists { path, negated, .. } => html! {
            span class="op" { @if *negated { "NOT " } "EXISTS" } " " code { (path.to_string()) }
        },
        ComparisonExpression::And(operands) => joined("AND", operands, comparison),
        ComparisonExpression::Or(operands) => joined("OR", operands, comparison),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_render_as_escaped_trees_with_their_observables() {
        let (markup, observables) = render(
            "[ipv4-addr:value = '198.51.100.7'] OR [file:name = '<script>alert(1)</script>']",
        );
        let html = markup.into_string();
        assert!(html.contains("OR"), "{html}");
        assert!(html.contains("198.51.100.7"), "{html}");
        assert!(!html.contains("<script>"), "escaped: {html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(
            observables.iter().any(|o| o.value == "198.51.100.7"),
            "{observables:?}"
        );
        let (markup, _) = render("[not a pattern");
        assert!(markup.into_string().contains("problem"));
    }
}
