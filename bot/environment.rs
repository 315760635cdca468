//! Settings read from environment variables, the same way by every part that has some: a
//! variable set to blanks is not set, and a yes/no setting reads `true`/`1`/`yes` or
//! `false`/`0`/`no`.

/// Where variables are looked up: `std::env::var(name).ok()`, or a map in tests.
type Lookup<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// The environment (or a map in tests), as settings read it.
pub struct Environment<'a> {
    lookup: Box<Lookup<'a>>,
}

/// A yes/no setting that is neither.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name} must be true or false, not `{value}`")]
pub struct BadFlag {
    pub name: &'static str,
    pub value: String,
}

impl<'a> Environment<'a> {
    /// The variables `lookup` finds: `std::env::var(name).ok()` for the real environment.
    pub fn new(lookup: impl Fn(&str) -> Option<String> + 'a) -> Environment<'a> {
        Environment {
            lookup: Box::new(lookup),
        }
    }

    /// The variable's value, as set (untrimmed); `None` when it is not set or blank.
    pub fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name).filter(|value| !value.trim().is_empty())
    }

    /// A yes/no setting, `false` when not set.
    pub fn flag(&self, name: &'static str) -> Result<bool, BadFlag> {
        match self.get(name).as_deref().map(str::trim) {
            None => Ok(false),
            Some(flag) if ["true", "1", "yes"].contains(&flag) => Ok(true),
            Some(flag) if ["false", "0", "no"].contains(&flag) => Ok(false),
            Some(other) => Err(BadFlag {
                name,
                value: other.to_string(),
            }),
        }
    }
}

#[cfg(test)]
impl Environment<'static> {
    /// An environment of exactly these variables.
    pub fn of(vars: &[(&str, &str)]) -> Environment<'static> {
        let vars: std::collections::HashMap<String, String> = vars
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        Environment::new(move |name| vars.get(name).cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_are_not_set_and_flags_say_yes_or_no() {
        let env = Environment::of(&[
            ("BLANK", "  "),
            ("ON", " yes"),
            ("OFF", "0"),
            ("ODD", "maybe"),
        ]);
        assert_eq!(env.get("BLANK"), None);
        assert_eq!(env.get("ON").as_deref(), Some(" yes"));
        assert_eq!(env.flag("ON"), Ok(true));
        assert_eq!(env.flag("OFF"), Ok(false));
        assert_eq!(env.flag("UNSET"), Ok(false));
        assert_eq!(
            env.flag("ODD"),
            Err(BadFlag {
                name: "ODD",
                value: "maybe".into()
            })
        );
    }
}
