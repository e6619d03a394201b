// Pins the environment for every test file: fixed width, no colour, CI mode, no NATS_* from the outside.
process.env.COLUMNS = '120'
process.env.NO_COLOR = '1'
process.env.CI = 'true'
for (const k of Object.keys(process.env)) if (k.startsWith('NATS_')) delete process.env[k]
