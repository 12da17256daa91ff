//! A small builder for statements whose shape depends on the request (filters, batch
//! inserts): text with placeholders and the values to bind, in order.

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Arguments};

#[derive(Debug, Clone)]
pub enum Param {
    Int(i64),
    Text(String),
}

#[derive(Debug, Default)]
pub struct Sql {
    text: String,
    params: Vec<Param>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_owned(),
            params: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `param`.
    /// SQLite's positional `?`: values bind in order, and unlike `$N` each one costs no
    /// lookup by name (sqlx resolves `$N` names one by one, which turns a 1,000-value
    /// batch insert quadratic). A PostgreSQL dialect will number them here instead.
    pub fn bind(&mut self, param: Param) -> &mut Self {
        self.params.push(param);
        self.text.push('?');
        self
    }

    pub fn bind_int(&mut self, value: i64) -> &mut Self {
        self.bind(Param::Int(value))
    }

    pub fn bind_text(&mut self, value: impl Into<String>) -> &mut Self {
        self.bind(Param::Text(value.into()))
    }

    /// Appends `(p1, p2, ...)` with one placeholder per value.
    pub fn bind_list(&mut self, values: &[String]) -> &mut Self {
        self.push("(");
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind_text(value.clone());
        }
        self.push(")")
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The statement with its values bound, ready to run.
    pub fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        let mut arguments = AnyArguments::default();
        for param in &self.params {
            // Adding an i64 or a String to AnyArguments cannot fail.
            let _ = match param {
                Param::Int(value) => arguments.add(*value),
                Param::Text(value) => arguments.add(value.as_str()),
            };
        }
        sqlx::query_with(&self.text, arguments)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_binding_order() {
        let mut sql = Sql::new("SELECT 1 WHERE a = ");
        sql.bind_int(1)
            .push(" AND b IN ")
            .bind_list(&["x".into(), "y".into()]);
        assert_eq!(sql.text(), "SELECT 1 WHERE a = ? AND b IN (?, ?)");
    }
}
