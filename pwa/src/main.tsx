import { render } from 'preact';
import './style.css';
import { App } from './app/App';
import { loadSession } from './app/session';
import { db, startSync } from './app/services';
import { registerServiceWorker } from './app/components/UpdatePrompt';

async function boot(): Promise<void> {
  // The session is read before the first render, so a reload offline opens where it was.
  const signedIn = await loadSession(db).catch(() => null);
  const root = document.getElementById('app');
  if (root) {
    root.textContent = '';
    render(<App />, root);
  }
  if (signedIn) void startSync();
  registerServiceWorker();
}

void boot();
