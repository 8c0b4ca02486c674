//! View models shared by form templates: a group of choices, with the commonest first.

use lantern_core::taxonomy::Vocabulary;

#[derive(Debug, Clone)]
pub struct Choice {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ChoiceGroup {
    /// Field name, also the id of the first input (where the error summary links).
    pub name: &'static str,
    pub legend: &'static str,
    pub top: Vec<Choice>,
    pub more: Vec<Choice>,
    pub more_label: &'static str,
    pub more_open: bool,
    pub error: Option<String>,
}

impl ChoiceGroup {
    /// Builds a group from (value, label) options; the first `visible` stay in view and the rest go
    /// behind "More …". An option that is checked keeps the "More" section open so it stays visible.
    pub fn new(
        name: &'static str,
        legend: &'static str,
        options: impl IntoIterator<Item = (String, String)>,
        selected: &[String],
        visible: usize,
    ) -> Self {
        let mut group = Self { name, legend, ..Self::default() };
        for (index, (value, label)) in options.into_iter().enumerate() {
            let id = if index == 0 { name.to_owned() } else { format!("{name}-{}", index + 1) };
            let checked = selected.contains(&value);
            let choice = Choice { id, value, label, checked };
            if index < visible {
                group.top.push(choice);
            } else {
                group.more_open |= checked;
                group.more.push(choice);
            }
        }
        group
    }

    pub fn from_vocabulary(
        name: &'static str,
        legend: &'static str,
        vocabulary: Vocabulary,
        selected: &[String],
    ) -> Self {
        let options = vocabulary.terms.iter().map(|t| (t.code.to_owned(), t.label.to_owned()));
        Self::new(name, legend, options, selected, usize::MAX)
    }

    pub fn with_more(mut self, label: &'static str) -> Self {
        self.more_label = label;
        self
    }

    pub fn with_error(mut self, error: Option<&str>) -> Self {
        self.error = error.map(str::to_owned);
        self
    }
}

/// Orders codes by how often they were used recently (most first), keeping the catalogue order for ties
/// and for codes never used, so the commonest choices are one tap away.
pub fn by_use<T>(
    options: Vec<(String, T)>,
    counts: &std::collections::HashMap<String, usize>,
) -> Vec<(String, T)> {
    let mut indexed: Vec<(usize, (String, T))> = options.into_iter().enumerate().collect();
    indexed.sort_by_key(|(i, (code, _))| (std::cmp::Reverse(counts.get(code).copied().unwrap_or(0)), *i));
    indexed.into_iter().map(|(_, option)| option).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn most_used_first_ties_keep_catalogue_order() {
        let options =
            vec![("a".to_owned(), ()), ("b".to_owned(), ()), ("c".to_owned(), ()), ("d".to_owned(), ())];
        let counts = HashMap::from([("c".to_owned(), 5), ("d".to_owned(), 5), ("b".to_owned(), 1)]);
        let order: Vec<String> = by_use(options, &counts).into_iter().map(|(c, _)| c).collect();
        assert_eq!(order, ["c", "d", "b", "a"]);
    }

    #[test]
    fn a_checked_hidden_choice_opens_more() {
        let options = (0..5).map(|i| (i.to_string(), format!("Option {i}")));
        let group = ChoiceGroup::new("x", "X", options, &["4".to_owned()], 3);
        assert_eq!((group.top.len(), group.more.len(), group.more_open), (3, 2, true));
        assert_eq!(group.top[0].id, "x");
        assert_eq!(group.more[1].id, "x-5");
    }
}
