// `npm run bench`: every benchmark, one after the other (BENCH=editions runs one).
const all = ['editions', 'sending', 'send-kill', 'memory', 'bookings'];
const chosen = process.env.BENCH ? process.env.BENCH.split(',') : all;
for (const name of chosen) await import(`./${name}.js`);
