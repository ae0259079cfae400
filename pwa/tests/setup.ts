// A global indexedDB as in a browser: Dexie's liveQuery checks for it before it observes
// anything. Each test still opens its own database on its own fresh factory (helpers.ts).
import 'fake-indexeddb/auto';
