//! A PostgreSQL server of a test's own, for tests that stop or restart it: a throwaway cluster
//! in a temporary directory, made with `initdb` and run by `pg_ctl` as the `postgres` user on a
//! free port of 127.0.0.1 (its socket in that directory too). Never the shared server on 5432,
//! which every other test uses. Stopped and deleted when dropped, whether the test passed or not.
//!
//! It needs PostgreSQL's server binaries (`/usr/lib/postgresql/<version>/bin`) and a `postgres`
//! user to run them as, so the test runs as root (as `.ci/run` does). Without them it fails
//! saying what to install: a test that cannot run must not pass.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::test_db::unique_suffix;

pub struct PrivatePostgres {
    /// Where the cluster (`data/`), its socket and its log live.
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
}

impl PrivatePostgres {
    /// A new cluster, started.
    pub fn start() -> PrivatePostgres {
        must_be_root();
        let bin = server_binaries();
        let dir = std::env::temp_dir().join(format!("incident-bot-pg-{}", unique_suffix()));
        std::fs::create_dir_all(&dir).unwrap();
        let cluster = PrivatePostgres {
            dir,
            bin,
            port: free_port(),
        };
        let owned = std::os::unix::fs::chown(&cluster.dir, Some(postgres_uid()), None);
        owned.unwrap_or_else(|e| panic!("give {} to postgres: {e}", cluster.dir.display()));
        cluster.run(
            "initdb",
            &[
                "--pgdata",
                &cluster.data(),
                "--auth=trust",
                "--username=postgres",
                "--no-sync",
                "--no-instructions",
            ],
        );
        cluster.start_again();
        cluster
    }

    /// Starts the stopped server, returning once it takes connections.
    pub fn start_again(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.display()
        );
        self.pg_ctl(&["start", "-o", &options]);
    }

    /// Stops the server (`-m fast`: sessions cut, a clean shutdown).
    pub fn stop(&self) {
        self.pg_ctl(&["stop", "-m", "fast"]);
    }

    /// The URL the bot connects with.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the server at once (`-m fast`: sessions cut, a clean shutdown) and starts it again,
    /// returning once it takes connections.
    pub fn restart(&self) {
        self.pg_ctl(&["restart", "-m", "fast"]);
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    /// `pg_ctl -D data -w -l log <args>`, the server's output into the log (not pg_ctl's pipe,
    /// which the server would hold open).
    fn pg_ctl(&self, args: &[&str]) {
        let (data, log) = (
            self.data(),
            self.dir.join("server.log").display().to_string(),
        );
        let mut all = vec!["-D", &data, "-w", "-t", "60", "-l", &log];
        all.extend_from_slice(args);
        self.run("pg_ctl", &all);
    }

    /// Runs the server binary `name` as postgres, failing the test with its output if it fails.
    fn run(&self, name: &str, args: &[&str]) {
        let program = self.bin.join(name);
        let output = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(&program)
            .args(args)
            .current_dir(&self.dir)
            .output()
            .unwrap_or_else(|e| panic!("run {} as postgres (runuser): {e}", program.display()));
        assert!(
            output.status.success(),
            "{name} {args:?} failed ({}):\n{}{}\nserver log:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
        );
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .args(["-D", &self.data(), "-w", "-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Only root may run a program as postgres (`runuser`).
fn must_be_root() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let uid = status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1));
    assert_eq!(
        uid,
        Some("0"),
        "\n\nThis test runs a PostgreSQL server of its own as the postgres user, which takes \
         root (runuser). Run the tests as root, as .ci/run does.\n\n"
    );
}

/// The newest installed server's `bin/`, or a failure saying what to install.
fn server_binaries() -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let newest = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .max();
    match newest {
        Some((_, bin)) => bin,
        None => panic!(
            "\n\nThis test runs a PostgreSQL server of its own and found no initdb under \
             {}/<version>/bin.\nInstall the server (Debian/Ubuntu: apt-get install postgresql) \
             and run the tests as root, with a postgres user (the package creates it).\n\n",
            root.display()
        ),
    }
}

/// The postgres user's id, or a failure saying what is missing.
fn postgres_uid() -> u32 {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let uid = passwd
        .lines()
        .map(|line| line.split(':').collect::<Vec<_>>())
        .find(|fields| fields.first() == Some(&"postgres"))
        .and_then(|fields| fields.get(2)?.parse().ok());
    uid.unwrap_or_else(|| {
        panic!(
            "\n\nThis test runs PostgreSQL's server as the postgres user, and there is none.\n\
             Install the server (Debian/Ubuntu: apt-get install postgresql), which creates it, \
             and run the tests as root.\n\n"
        )
    })
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
