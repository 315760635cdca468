//! What people type at 3 a.m. resolves to the scenario they mean, from the words of the titles.

use incident_bot::runbook::LookupError;

use crate::fixtures::{bundled_runbook, shared_runbook};

#[test]
fn the_shared_runbook_understands_natural_short_names() {
    let runbook = shared_runbook();
    for (typed, number) in [
        ("db-loss", 1),
        ("database-loss", 1),
        ("1", 1),
        ("complete-database-loss", 1),
        ("database", 1),
        ("DB Loss", 1),
        ("db-down", 1),
        ("databse-loss", 1),
        ("app-server", 2),
        ("server-failure", 2),
        ("app-down", 2),
        ("corruption", 3),
        ("data-corruption", 3),
        ("breach", 4),
        ("security-breach", 4),
        ("sec-breach", 4),
        ("infra-loss", 5),
        ("infrastructure-loss", 5),
        ("scenario 5", 5),
        ("#5", 5),
    ] {
        match runbook.find_scenario(typed) {
            Ok(scenario) => assert_eq!(scenario.number, number, "`{typed}`"),
            Err(error) => panic!("`{typed}`: {error}"),
        }
    }
}

#[test]
fn every_listed_name_finds_its_own_scenario() {
    for runbook in [shared_runbook(), bundled_runbook()] {
        for scenario in &runbook.scenarios {
            for name in scenario.aliases.iter().chain([&scenario.slug]) {
                assert_eq!(
                    runbook.find_scenario(name).map(|s| s.number),
                    Ok(scenario.number),
                    "`{name}`"
                );
            }
        }
    }
}

#[test]
fn ambiguous_input_lists_the_candidates() {
    let runbook = shared_runbook();
    let error = runbook
        .find_scenario("loss")
        .expect_err("two scenarios are losses");
    let LookupError::Ambiguous { candidates, .. } = &error else {
        panic!("expected ambiguity, got {error}");
    };
    assert_eq!(
        candidates.iter().map(|c| c.number).collect::<Vec<_>>(),
        vec![1, 5]
    );
    assert_eq!(
        error.to_string(),
        "`loss` could be 1 db-loss (Complete Database Loss) or 5 infra-loss (Complete \
         Infrastructure Loss): say which"
    );
}

#[test]
fn a_match_by_typos_only_is_too_far_and_names_the_close_scenario() {
    let runbook = shared_runbook();
    assert_eq!(
        runbook.find_scenario("databse").unwrap_err().to_string(),
        "`databse` is not a scenario's name: did you mean 1 db-loss (Complete Database Loss)? \
         Type its name or number"
    );
    let found = runbook.match_scenario("db-los").expect("close enough");
    assert_eq!((found.scenario.number, found.exact), (1, false));
    let found = runbook.match_scenario("DB Loss").expect("a name");
    assert_eq!((found.scenario.number, found.exact), (1, true));
}

#[test]
fn unknown_input_lists_every_scenario() {
    let runbook = shared_runbook();
    let error = runbook
        .find_scenario("meteor-strike")
        .expect_err("no such scenario");
    assert_eq!(
        error.to_string(),
        "no scenario matches `meteor-strike`. Scenarios: 1 db-loss (Complete Database Loss); \
         2 app-server-failure (Application Server Failure); 3 data-corruption (Data Corruption); \
         4 sec-breach (Security Breach); 5 infra-loss (Complete Infrastructure Loss)"
    );
    assert!(matches!(
        runbook.find_scenario(""),
        Err(LookupError::Unknown { .. })
    ));
    assert!(matches!(
        runbook.find_scenario("9"),
        Err(LookupError::Unknown { .. })
    ));
}
