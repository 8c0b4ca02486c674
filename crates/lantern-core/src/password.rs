//! What makes a password acceptable. NCSC guidance: length over complexity rules, and refuse what an
//! attacker tries first — the username, common passwords (with digits or symbols tacked on), one
//! character repeated, a run along the keyboard or the alphabet.

use crate::validation::{FieldError, ValidationErrors};

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Words at the heart of the most common leaked passwords, and the ones a GP practice would reach
/// for. Compared with the password's letters alone, so `Password1234!` and `p@ssword` count too.
const COMMON: &[&str] = &[
    "password",
    "passw",
    "pass",
    "qwerty",
    "qwertyuiop",
    "letmein",
    "welcome",
    "iloveyou",
    "admin",
    "administrator",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "sunshine",
    "princess",
    "trustno",
    "changeme",
    "abc",
    "secret",
    "login",
    "master",
    "shadow",
    "superman",
    "batman",
    "starwars",
    "liverpool",
    "chelsea",
    "arsenal",
    "summer",
    "winter",
    "spring",
    "autumn",
    "january",
    "december",
    "hello",
    "freedom",
    "whatever",
    "computer",
    "default",
    "nhs",
    "nhsnhs",
    "surgery",
    "reception",
    "receptionist",
    "practice",
    "doctor",
    "nurse",
    "health",
    "medical",
    "patient",
    "lantern",
    "england",
    "london",
    "london",
    "qazwsx",
    "asdfgh",
    "zxcvbn",
    "iloveyouiloveyou",
    "passwordpassword",
];

/// Rows of a UK keyboard and the alphabet, to spot a password that is a run along one.
const RUNS: &[&str] = &["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz"];

/// Checks a new password for the account `username`; every problem found, by field `password`.
pub fn check_password(username: &str, password: &str) -> Result<(), ValidationErrors> {
    let chars = password.chars().count();
    let problem = if chars < MIN_PASSWORD_CHARS {
        Some(format!("Use at least {MIN_PASSWORD_CHARS} characters; three random words work well"))
    } else if chars > MAX_PASSWORD_CHARS {
        Some(format!("Use at most {MAX_PASSWORD_CHARS} characters"))
    } else {
        guessable(username, password).map(|why| format!("{why}; three random words work well"))
    };
    ValidationErrors::check(problem.map(|m| FieldError::new("password", m)).into_iter().collect())
}

/// Why `password` would be among an attacker's first guesses, if it would.
fn guessable(username: &str, password: &str) -> Option<&'static str> {
    let lower = password.trim().to_lowercase();
    let user = username.trim().to_lowercase();
    if lower == user {
        return Some("The password cannot be the username");
    }
    // The username (or the part before an @) with a little added is hardly better than the username.
    let local = user.split('@').next().unwrap_or_default();
    for name in [user.as_str(), local] {
        if name.chars().count() >= 3 && lower.contains(name) {
            let rest = lower.replacen(name, "", 1).chars().count();
            if rest < 8 {
                return Some("The password is too close to the username");
            }
        }
    }
    let mut distinct: Vec<char> = lower.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 4 {
        return Some("The password repeats too few characters");
    }
    let letters: String = lower.chars().filter(char::is_ascii_alphabetic).collect();
    // "p@ssw0rd2026!": drop what is tacked on at the end, then read the symbols and digits standing
    // in for letters.
    let stem: String = lower
        .trim_end_matches(|c: char| !c.is_ascii_alphabetic())
        .chars()
        .map(unleet)
        .filter(char::is_ascii_alphabetic)
        .collect();
    let common = |word: &str| COMMON.contains(&word) || is_repeat_of_common(word);
    if letters.is_empty() || common(&letters) || common(&stem) {
        return Some("The password is too common");
    }
    let compact: String = lower.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if is_run(&compact) {
        return Some("The password is a run of keys or letters");
    }
    None
}

/// The letter a symbol or digit is commonly typed for.
fn unleet(c: char) -> char {
    match c {
        '@' | '4' => 'a',
        '$' | '5' => 's',
        '0' => 'o',
        '1' | '!' => 'i',
        '3' => 'e',
        '7' => 't',
        other => other,
    }
}

/// `letters` is one common word said twice or more ("passwordpassword", "qwertyqwerty").
fn is_repeat_of_common(letters: &str) -> bool {
    COMMON.iter().any(|word| {
        !word.is_empty()
            && letters.len().is_multiple_of(word.len())
            && letters == word.repeat(letters.len() / word.len())
    })
}

/// `text` lies along a keyboard row or the alphabet, forwards or backwards, wrapping round.
fn is_run(text: &str) -> bool {
    if text.len() < 6 {
        return false;
    }
    RUNS.iter().any(|run| {
        let forwards = run.repeat(3);
        let backwards: String = forwards.chars().rev().collect();
        forwards.contains(text) || backwards.contains(text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_passwords_pass() {
        for password in
            ["correct horse battery", "lantern-demo-password", "Tulip river 42 jam", "zq7!Lm2#pX9v"]
        {
            assert!(check_password("asha", password).is_ok(), "{password}");
        }
    }

    #[test]
    fn guessable_passwords_are_refused_with_a_reason() {
        let cases = [
            ("aaaaaaaaaaaa", "repeats too few"),
            ("abababababab", "repeats too few"),
            ("Password1234", "too common"),
            ("p@ssword2026!", "too common"),
            ("P@ssw0rd12345", "too common"),
            ("Practice2026!", "too common"),
            ("qwertyqwerty", "too common"),
            ("123456789012", "too common"),
            ("1234567890123", "too common"),
            ("qwertyuiopqw", "run of keys"),
            ("abcdefghijkl", "run of keys"),
            ("lkjhgfdsalkj", "run of keys"),
            ("asha.kumar@nhs", "cannot be the username"),
            ("asha.kumar2026", "close to the username"),
        ];
        for (password, why) in cases {
            let errors = check_password("asha.kumar@nhs", password).expect_err(password);
            assert!(errors.0[0].message.contains(why), "{password}: {:?}", errors.0[0].message);
        }
    }

    #[test]
    fn length_limits_hold() {
        assert!(check_password("asha", "short").is_err());
        assert!(check_password("asha", &"xy9!".repeat(33)).is_err());
        assert!(check_password("asha", &"zq7!Lm2#pX9v".repeat(10)).is_ok());
    }
}
