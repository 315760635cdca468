//! Errors as one line for logs and people: the error and every cause after it.

use std::error::Error;

/// An error and its causes on one line: `database query failed: connection refused`.
pub fn with_causes(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}
