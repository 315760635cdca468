#!/bin/sh
# Runs one fuzz target under AFL++ for a while, seeded from the project's own samples (the runbooks,
# the Slack and Discord request fixtures, which are the shared protocol samples) and the hand-made
# seeds in seeds/TARGET. Prints what the run did from AFL++'s fuzzer_stats.
#
# Usage: fuzz/run.sh TARGET [SECONDS]   (default 180 s)
# TARGET: runbook | commands | slack_command | slack_interaction | discord_interaction
set -eu
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-180}
seeds=out/seeds/$target
rm -rf "$seeds"
mkdir -p "$seeds"
case $target in
runbook) cp ../runbooks/*.md ../tests/fixtures/runbooks/*.md "$seeds" ;;
commands) ;;
slack_command) cp ../tests/fixtures/slack/slack_slash_command_body.txt \
    ../tests/fixtures/slack/slack_slash_command_incident_open.txt "$seeds" ;;
slack_interaction) cp ../tests/fixtures/slack/slack_block_actions_incident_checklist.json \
    ../tests/fixtures/slack/slack_block_actions_payload.json "$seeds" ;;
discord_interaction) cp ../tests/fixtures/discord/discord_ping.json \
    ../tests/fixtures/discord/discord_application_command_incident_open.json \
    ../tests/fixtures/discord/discord_message_component_button.json "$seeds" ;;
*) echo "unknown target: $target" >&2; exit 2 ;;
esac
if [ -d "seeds/$target" ]; then cp "seeds/$target"/* "$seeds"; fi
cargo afl build --release --bin "$target"
# AFL_AUTORESUME picks up a previous run's queue in out/TARGET; the CPU and core-dump checks
# are for dedicated machines.
AFL_AUTORESUME=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    nice cargo afl fuzz -V "$seconds" -i "$seeds" -o "out/$target" "target/release/$target" \
    >"out/$target.log" 2>&1 || { tail -20 "out/$target.log" >&2; exit 1; }
stats=out/$target/default/fuzzer_stats
grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|bitmap_cvg|edges_found|total_edges|saved_crashes|saved_hangs) ' "$stats"
crashes=$(ls "out/$target/default/crashes" | grep -vc README || true)
echo "crashing inputs: $crashes (in out/$target/default/crashes)"
