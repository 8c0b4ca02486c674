//! The quick-log form as submitted (URL-encoded, repeated keys for multiple choices), turned into an
//! [`EpisodeInput`] for the same validation the API uses.

use lantern_core::episode::EpisodeInput;

#[derive(Debug, Default)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    pub fn parse(body: &[u8]) -> Self {
        Self { pairs: form_urlencoded::parse(body).into_owned().collect() }
    }

    pub fn all(&self, key: &str) -> Vec<String> {
        self.pairs.iter().filter(|(k, v)| k == key && !v.trim().is_empty()).map(|(_, v)| v.clone()).collect()
    }

    pub fn one(&self, key: &str) -> Option<String> {
        self.all(key).into_iter().next()
    }

    fn flag(&self, key: &str) -> bool {
        self.one(key).is_some()
    }

    /// The typed "other" minutes win over the preset; text that is not a number becomes a clear error
    /// (`Err` carries the message for the duration field).
    fn duration(&self) -> Result<Option<i64>, String> {
        match self.one("duration_other") {
            Some(other) => other
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| format!("Enter the minutes as a whole number, like 12, not {other:?}")),
            None => Ok(self.one("duration_minutes").and_then(|d| d.parse().ok())),
        }
    }

    pub fn to_input(&self) -> (EpisodeInput, Option<String>) {
        let (duration_minutes, duration_error) = match self.duration() {
            Ok(d) => (d, None),
            Err(message) => (Some(0), Some(message)),
        };
        let mut helpers = self.all("helpers");
        helpers.extend(self.all("second_helper"));
        let input = EpisodeInput {
            occurred_at: self.one("occurred_at"),
            practice: self.one("practice").unwrap_or_default(),
            helpers,
            duration_minutes,
            channel: self.one("channel").unwrap_or_default(),
            services: self.all("services"),
            tasks: self.all("tasks"),
            approach: self.one("approach").unwrap_or_default(),
            barriers: self.all("barriers"),
            age_band: self.one("age_band"),
            carer_proxy: self.flag("carer_proxy"),
            outcome: self.one("outcome").unwrap_or_default(),
            escalated_to: self.one("escalated_to"),
            follow_up: self.flag("follow_up"),
            note: self.one("note"),
            offer_id: self.one("offer_id"),
        };
        (input, duration_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_become_lists_and_other_minutes_win() {
        let form = Form::parse(b"practice=A81001&services=nhs_app&services=nhs_login&duration_minutes=5&duration_other=12&carer_proxy=yes&note=");
        let (input, error) = form.to_input();
        assert_eq!(input.services, ["nhs_app", "nhs_login"]);
        assert_eq!(input.duration_minutes, Some(12));
        assert!(input.carer_proxy && !input.follow_up);
        assert_eq!((input.note, error), (None, None));
    }

    #[test]
    fn non_numeric_minutes_are_an_error_not_a_guess() {
        let (_, error) = Form::parse(b"duration_minutes=5&duration_other=ten").to_input();
        assert!(error.is_some_and(|e| e.contains("whole number")));
    }
}
