// Pins the environment for every test file: fixed width, no colour, CI mode, no NATS_* from the outside, except
// NATS_SERVER_BIN, which chooses the nats-server the tests run (scripts/test.sh sets it for each version).
process.env.COLUMNS = '120'
process.env.NO_COLOR = '1'
process.env.CI = 'true'
for (const k of Object.keys(process.env)) if (k.startsWith('NATS_') && k !== 'NATS_SERVER_BIN') delete process.env[k]
