import { useState } from 'preact/hooks';
import { Session, sessionOf } from '../session';

/** The token is pasted here and kept in sessionStorage: it lasts as long as the tab. */
export function SignIn({ notice, onSignIn }: { notice?: string; onSignIn: (session: Session) => void }) {
  const [problem, setProblem] = useState(notice);
  return (
    <form
      class="sign-in"
      onSubmit={(e) => {
        e.preventDefault();
        const session = sessionOf((new FormData(e.currentTarget).get('token') as string).trim());
        if (typeof session === 'string') setProblem(session);
        else onSignIn(session);
      }}
    >
      <h1>Vitals</h1>
      <label>
        Token (a JWT, e.g. from <code>npm run token -- --role operator</code>)
        <textarea name="token" rows={5} required autoFocus />
      </label>
      {problem && <p class="error">{problem}</p>}
      <button type="submit">Sign in</button>
    </form>
  );
}
