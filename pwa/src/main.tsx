import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './style.css';

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

function App() {
  const online = useOnline();
  return (
    <>
      <header class="top">
        <p class="brand">Keukentafel</p>
      </header>
      <main id="inhoud">
        <h1>Keukentafel</h1>
        <p>De app voor keukentafelgesprekken wordt geladen…</p>
        <p class="later">
          Dit is een voorlopige versie. De volledige app volgt later.
        </p>
        <p class={`status ${online ? 'online' : 'offline'}`} role="status" aria-live="polite">
          <span class="dot" aria-hidden="true" />
          {online ? 'Online' : 'Offline: je werk blijft op dit apparaat bewaard.'}
        </p>
      </main>
      <footer class="foot">
        <p>Keukentafel, samen huisuitzetting voorkomen.</p>
      </footer>
    </>
  );
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // Without a service worker the app still works online.
    });
  });
}
