import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api/client';
import type { AlertRow } from '../api/documents';
import { acknowledge, Fleet, silence, watchAlerts } from '../api/feeds';
import { ago, labelText, time } from '../format';
import { canHandleAlerts, Session } from '../session';

/** Pending and firing alerts, live; operators acknowledge them or silence them for an hour. */
export function AlertFeed({ api, environment, session, fleet }: { api: Api; environment: string; session: Session; fleet: Fleet }) {
  const [alerts, setAlerts] = useState<AlertRow[]>();
  const [error, setError] = useState<string>();
  const [silenced, setSilenced] = useState<Record<string, string>>({});
  useEffect(() => watchAlerts(api, environment, setAlerts, (e) => setError(e.message)), [api, environment]);
  const act = (action: Promise<unknown>) =>
    action.then(
      () => setError(undefined),
      (e: Error) => setError(e.message),
    );
  const silenceFor = async (alert: AlertRow) => {
    const { createSilence } = await silence(
      api,
      environment,
      alert,
      new Date(fleet.serverNow + 3_600_000),
      `silenced for 1 h from the dashboard by ${session.subject}`,
    );
    setSilenced((all) => ({ ...all, [alert.id]: createSilence.endsAt }));
  };
  return (
    <section class="panel">
      <h2>Alerts</h2>
      {error && <p class="error">{error}</p>}
      {alerts?.length === 0 && <p class="muted">No open alerts.</p>}
      <AlertList alerts={alerts ?? []} now={fleet.serverNow}>
        {canHandleAlerts(session) &&
          ((alert) => (
            <>
              {alert.acknowledgedBy === null && (
                <button onClick={() => void act(acknowledge(api, environment, alert, `from the dashboard`))}>Acknowledge</button>
              )}
              {silenced[alert.id] ? (
                <span class="silenced">silenced until {time(silenced[alert.id])}</span>
              ) : (
                <button onClick={() => void act(silenceFor(alert))}>Silence 1 h</button>
              )}
            </>
          ))}
      </AlertList>
    </section>
  );
}

/** `children`: the actions offered on each alert, if any. */
export function AlertList({ alerts, now, children }: { alerts: AlertRow[]; now: number; children?: false | ((alert: AlertRow) => ComponentChildren) }) {
  return (
    <ul class="alerts">
      {alerts.map((alert) => (
        <li key={alert.id} data-alert={alert.id} class={`severity-${alert.severity}`}>
          <span class={`badge state-${alert.state}`}>{alert.state}</span> <span class="badge">{alert.severity}</span>{' '}
          <strong>{alert.ruleName ?? alert.ruleId}</strong> {alert.summary}
          <div class="muted">
            {alert.subject} · since {ago(alert.startedAt, now)} · {labelText(alert.labels)}
            {alert.acknowledgedBy !== null && <span class="acked"> · acknowledged by {alert.acknowledgedBy}</span>}
          </div>
          {children && <div class="actions">{children(alert)}</div>}
        </li>
      ))}
    </ul>
  );
}
