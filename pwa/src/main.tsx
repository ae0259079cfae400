import { render } from 'preact';
import './style.css';
import { App } from './app/App';
import { shareLocks, startApp, watchIdle } from './app/lock';
import { registerServiceWorker } from './app/components/UpdatePrompt';

async function boot(): Promise<void> {
  // Known before the first render: the login, a new PIN, or the PIN screen (a reload locks).
  await startApp();
  const root = document.getElementById('app');
  if (root) {
    root.textContent = '';
    render(<App />, root);
  }
  watchIdle();
  shareLocks();
  registerServiceWorker();
}

void boot();
