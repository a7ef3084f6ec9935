import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api } from './api/client';
import { Fleet, watchFleet } from './api/feeds';
import { Session, sessionOf } from './session';
import { storedEnvironment, storedToken, storeEnvironment, storeToken } from './storage';
import { AgentPage } from './views/agent-page';
import { AlertFeed } from './views/alert-feed';
import { Overview } from './views/overview';
import { SignIn } from './views/sign-in';

type Route = { page: 'overview' } | { page: 'alerts' } | { page: 'agent'; id: string };

function routeOf(hash: string): Route {
  const agent = /^#\/agents\/(.+)$/.exec(hash);
  if (agent) return { page: 'agent', id: decodeURIComponent(agent[1]) };
  return hash === '#/alerts' ? { page: 'alerts' } : { page: 'overview' };
}

function initialSession(): Session | undefined {
  const token = storedToken();
  const session = token === null ? undefined : sessionOf(token);
  return typeof session === 'object' ? session : undefined;
}

export function App() {
  const [session, setSession] = useState(initialSession);
  const [notice, setNotice] = useState<string>();
  const signIn = (next: Session | undefined, why?: string) => {
    storeToken(next?.token ?? null);
    setSession(next);
    setNotice(why);
  };
  if (session === undefined) return <SignIn notice={notice} onSignIn={(s) => signIn(s)} />;
  return <SignedIn key={session.token} session={session} onSignOut={(why) => signIn(undefined, why)} />;
}

function SignedIn({ session, onSignOut }: { session: Session; onSignOut: (why?: string) => void }) {
  const api = useMemo(() => new Api(session.token, (why) => onSignOut(`Signed out: ${why}`)), [session.token]);
  useEffect(() => () => api.close(), [api]);
  const [environment, setEnvironment] = useState(() => {
    const stored = storedEnvironment();
    return stored !== null && (session.environments.length === 0 || session.environments.includes(stored)) ? stored : (session.environments[0] ?? '');
  });
  const [route, setRoute] = useState(() => routeOf(location.hash));
  const [fleet, setFleet] = useState<Fleet>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    const onHash = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    setFleet(undefined);
    setError(undefined);
    if (environment === '') return;
    storeEnvironment(environment);
    return watchFleet(api, environment, setFleet, (e) => setError(e.message));
  }, [api, environment]);

  return (
    <>
      <header>
        <strong>Vitals</strong>
        <nav>
          <a href="#/" class={route.page === 'overview' ? 'current' : ''}>
            Fleet
          </a>
          <a href="#/alerts" class={route.page === 'alerts' ? 'current' : ''}>
            Alerts
          </a>
          <a href="/graphql">GraphQL</a>
        </nav>
        <EnvironmentPicker session={session} environment={environment} onChange={setEnvironment} />
        <span class="who">
          {session.subject} ({session.roles.join(', ')})
        </span>
        <button onClick={() => onSignOut()}>Sign out</button>
      </header>
      <main>
        {error && <p class="error">{error}</p>}
        {environment === '' && <p>Choose an environment.</p>}
        {fleet && route.page === 'overview' && <Overview api={api} environment={environment} fleet={fleet} />}
        {fleet && route.page === 'alerts' && <AlertFeed api={api} environment={environment} session={session} fleet={fleet} />}
        {fleet && route.page === 'agent' && <AgentPage key={route.id} api={api} environment={environment} id={route.id} fleet={fleet} />}
      </main>
    </>
  );
}

function EnvironmentPicker({ session, environment, onChange }: { session: Session; environment: string; onChange: (environment: string) => void }) {
  if (session.environments.length > 0) {
    return (
      <select aria-label="environment" value={environment} onChange={(e) => onChange(e.currentTarget.value)}>
        {session.environments.map((name) => (
          <option key={name}>{name}</option>
        ))}
      </select>
    );
  }
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onChange(new FormData(e.currentTarget).get('environment') as string);
      }}
    >
      <input name="environment" aria-label="environment" placeholder="environment" value={environment} />
    </form>
  );
}
