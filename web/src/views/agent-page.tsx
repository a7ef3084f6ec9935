import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from '../api/client';
import { AGENT_PAGE, HEALTH_CHANGED, ResultOf } from '../api/documents';
import type { Fleet } from '../api/feeds';
import { ago, duration, labelText, number, time } from '../format';
import { AlertList } from './alert-feed';

type Page = ResultOf<typeof AGENT_PAGE>;

/** One agent: status and health assessment with its advice, 24 h availability with incidents, its alerts. Reloaded on its status changes. */
export function AgentPage({ api, environment, id, fleet }: { api: Api; environment: string; id: string; fleet: Fleet }) {
  const [page, setPage] = useState<Page>();
  const [error, setError] = useState<string>();
  // Loaded when opened and on the agent's own status changes, not on every fleet update; with the server's clock of the moment.
  const serverNow = useRef(fleet.serverNow);
  serverNow.current = fleet.serverNow;
  useEffect(() => {
    const load = () => {
      const now = serverNow.current;
      // The service ends the report at its own clock, so an hour ahead of a snapshot taken a few seconds ago means "up to now".
      const variables = { environment, id, from: new Date(now - 86_400_000).toISOString(), to: new Date(now + 3_600_000).toISOString() };
      api.request(AGENT_PAGE, variables).then(setPage, (e: Error) => setError(e.message));
    };
    load();
    return api.subscribe(HEALTH_CHANGED, { environment, agentIds: [id] }, load);
  }, [api, environment, id]);

  if (error) return <p class="error">{error}</p>;
  if (!page) return <p class="muted">Loading…</p>;
  const { agent, uptime, alerts } = page;
  if (!agent)
    return (
      <p class="error">
        No agent {id} in {environment}.
      </p>
    );
  const health = agent.health;
  return (
    <div class="agent-page">
      <section class="panel">
        <h2>
          {agent.id} <span class={`badge status-${agent.status}`}>{agent.status}</span>
        </h2>
        <p>
          {agent.statusReason} (since {time(agent.statusSince)})
        </p>
        <dl>
          <dt>Last heartbeat</dt>
          <dd title={agent.lastHeartbeatAt ?? ''}>
            {agent.health ? `${duration(agent.health.secondsSinceHeartbeat)} ago` : ago(agent.lastHeartbeatAt, fleet.serverNow)}
          </dd>
          <dt>Interval</dt>
          <dd>{agent.intervalSeconds} s</dd>
          <dt>Labels</dt>
          <dd>{labelText(agent.labels) || '–'}</dd>
          <dt>First seen</dt>
          <dd>{time(agent.firstSeenAt)}</dd>
        </dl>
      </section>
      {health && (
        <section class="panel">
          <h2>
            Health <span class="score">{health.score} / 100</span>
          </h2>
          <p>{health.reason}</p>
          <dl>
            <dt>Liveness / jitter / resources / status</dt>
            <dd>
              {health.components.liveness} / {health.components.jitter} / {health.components.resources} / {health.components.errorStatus}
            </dd>
            <dt>CPU / memory / disk</dt>
            <dd>
              {number(health.cpu)} % / {number(health.memory)} % / {number(health.disk)} %
            </dd>
            <dt>Detector timeout</dt>
            <dd>{number(health.timeoutSeconds)} s</dd>
          </dl>
          <h3>Recommendations</h3>
          <ul class="recommendations">
            {health.recommendations.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </section>
      )}
      <section class="panel">
        <h2>Uptime, last 24 h</h2>
        <p>
          <span class="availability">{uptime.availabilityPercent.toFixed(3)} %</span> available, {duration(uptime.downtimeSeconds)} down
          {uptime.mttrSeconds !== null && `, mean time to recover ${duration(uptime.mttrSeconds)}`}
          {uptime.slaMet !== null && (uptime.slaMet ? ' · 99.9 % SLA met' : ' · 99.9 % SLA missed')}
        </p>
        {uptime.slaBudget && <p class="muted">{uptime.slaBudget.projection}</p>}
        <table class="incidents">
          <thead>
            <tr>
              <th>Incident</th>
              <th>Start</th>
              <th>End</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            {uptime.incidents.map((incident) => (
              <tr key={incident.start}>
                <td>{incident.status}</td>
                <td>{time(incident.start)}</td>
                <td>{incident.end ? time(incident.end) : 'ongoing'}</td>
                <td>{duration(incident.durationSeconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {uptime.incidents.length === 0 && <p class="muted">No incidents.</p>}
      </section>
      <section class="panel">
        <h2>Alerts</h2>
        <AlertList alerts={alerts.edges.map((e) => e.node)} now={fleet.serverNow} />
        {alerts.edges.length === 0 && <p class="muted">No alerts about this agent.</p>}
      </section>
    </div>
  );
}
