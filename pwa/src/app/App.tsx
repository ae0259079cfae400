/** The app: sign-in first, then the worker's screens, all working offline from IndexedDB. */
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { useEffect } from 'preact/hooks';
import { session } from './session';
import { appState } from './services';
import { NewPin, SetPin, Unlock } from './screens/Unlock';
import { Layout } from './components/Layout';
import { Login } from './screens/Login';
import { Cases } from './screens/Cases';
import { CaseView } from './screens/CaseView';
import { VisitForm } from './screens/VisitForm';
import { MyVisits } from './screens/MyVisits';
import { SyncPage } from './screens/SyncPage';
import { Admin } from './screens/Admin';
import { Review } from './screens/Review';
import { Followups } from './screens/Followups';
import { FollowupDetail } from './screens/FollowupDetail';
import { Inbox } from './screens/Inbox';
import { isOpenMessage } from '../sw-notifications';

function Redirect({ to }: { to: string }) {
  const { route } = useLocation();
  useEffect(() => route(to, true), [to]);
  return null;
}

/** A tapped notification while the app is open: the service worker asks us to go there. */
function NotificationNavigation() {
  const { route } = useLocation();
  useEffect(() => {
    const worker = typeof navigator !== 'undefined' ? navigator.serviceWorker : undefined;
    if (!worker) return;
    const onMessage = (event: MessageEvent) => {
      if (isOpenMessage(event.data)) route(event.data.url);
    };
    worker.addEventListener('message', onMessage);
    return () => worker.removeEventListener('message', onMessage);
  }, []);
  return null;
}

function SignedIn() {
  return (
    <Layout>
      <NotificationNavigation />
      <Router>
        <Route path="/zaken" component={Cases} />
        <Route path="/zaken/:id" component={CaseView} />
        <Route path="/bezoek/:id" component={VisitForm} />
        <Route path="/bezoeken" component={MyVisits} />
        <Route path="/sync" component={SyncPage} />
        <Route path="/beoordelen/:id?" component={Review} />
        <Route path="/beheer" component={Admin} />
        <Route path="/vervolg" component={Followups} />
        <Route path="/vervolg/:id" component={FollowupDetail} />
        <Route path="/berichten" component={Inbox} />
        <Route default component={() => <Redirect to="/zaken" />} />
      </Router>
    </Layout>
  );
}

export function App() {
  const state = appState.value;
  if (state === 'starting') return null;
  // Locked or waiting for a PIN: nothing of the signed-in app is rendered (nor in the DOM).
  if (state === 'locked') return <Unlock />;
  if (state === 'set_pin') return <SetPin />;
  if (state === 'new_pin') return <NewPin />;
  return (
    <LocationProvider>
      {state === 'open' && session.value ? (
        <SignedIn />
      ) : (
        <Router>
          <Route path="/inloggen" component={Login} />
          <Route default component={() => <Redirect to="/inloggen" />} />
        </Router>
      )}
    </LocationProvider>
  );
}
