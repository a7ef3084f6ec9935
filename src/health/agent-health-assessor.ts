import { AgentStatus, DOWN_STATUSES } from '../heartbeat/agent-status';

export interface HealthInputs {
  status: AgentStatus;
  secondsSinceHeartbeat: number;
  intervalSeconds: number;
  /** The detector's current timeout for this agent (silence past it is suspicious). */
  timeoutSeconds: number;
  /** Coefficient of variation of heartbeat inter-arrival times; undefined until known. */
  jitterCv?: number;
  reportedStatus?: string;
  cpu?: number;
  memory?: number;
  disk?: number;
}

export interface HealthComponents {
  liveness: number;
  jitter: number;
  resources: number;
  errorStatus: number;
}

export interface HealthAssessment {
  /** 0..100: the weighted components, and 0 for an agent that is down. */
  score: number;
  components: HealthComponents;
  recommendations: string[];
}

const WEIGHTS: HealthComponents = { liveness: 0.4, jitter: 0.15, resources: 0.25, errorStatus: 0.2 };
/** Resource use below this is healthy; at 100% the component is 0. */
const RESOURCE_COMFORT_PERCENT = 70;

/** Scores one agent's health and says, in plain words, what to look at. */
export function assessAgentHealth(input: HealthInputs): HealthAssessment {
  const components: HealthComponents = {
    liveness: livenessScore(input),
    jitter: input.jitterCv === undefined ? 100 : clamp(100 * (1 - input.jitterCv)),
    resources: resourceScore(input),
    errorStatus: input.reportedStatus === 'error' ? 0 : input.reportedStatus === 'degraded' ? 50 : 100,
  };
  const weighted = (Object.keys(WEIGHTS) as (keyof HealthComponents)[]).reduce((sum, k) => sum + WEIGHTS[k] * components[k], 0);
  return {
    score: Math.round(components.liveness === 0 ? 0 : weighted),
    components,
    recommendations: recommend(input, components),
  };
}

function livenessScore(input: HealthInputs): number {
  if (DOWN_STATUSES.has(input.status)) return 0;
  const grace = input.intervalSeconds;
  const zeroAt = Math.max(2 * input.timeoutSeconds, grace + 1);
  if (input.secondsSinceHeartbeat <= grace) return 100;
  return clamp((100 * (zeroAt - input.secondsSinceHeartbeat)) / (zeroAt - grace));
}

function resourceScore(input: HealthInputs): number {
  const worst = Math.max(input.cpu ?? 0, input.memory ?? 0, input.disk ?? 0);
  if (worst <= RESOURCE_COMFORT_PERCENT) return 100;
  return clamp((100 * (100 - worst)) / (100 - RESOURCE_COMFORT_PERCENT));
}

function recommend(input: HealthInputs, c: HealthComponents): string[] {
  const advice: string[] = [];
  if (input.status === AgentStatus.PARTITIONED) {
    advice.push('The agent went silent together with its group: check the network path to that region or zone before the agents themselves.');
  } else if (c.liveness < 100) {
    advice.push(
      `No heartbeat for ${input.secondsSinceHeartbeat.toFixed(0)} s (expected every ${input.intervalSeconds} s): check that the agent process is running and can reach Vitals.`,
    );
  }
  if (input.status === AgentStatus.FLAPPING) advice.push('The agent keeps going down and coming back: look for crash loops or an unstable link.');
  if (c.jitter < 50) {
    advice.push(`Heartbeats arrive irregularly (jitter ${(input.jitterCv ?? 0).toFixed(2)}): the agent or its host may be overloaded.`);
  }
  for (const [name, value] of [
    ['CPU', input.cpu],
    ['Memory', input.memory],
    ['Disk', input.disk],
  ] as const) {
    if (value !== undefined && value > RESOURCE_COMFORT_PERCENT) {
      advice.push(`${name} at ${value.toFixed(0)}%: ${name === 'Disk' ? 'free space or grow the volume' : 'reduce load or add capacity'}.`);
    }
  }
  if (input.reportedStatus === 'error' || input.reportedStatus === 'degraded') {
    advice.push(`The agent reports itself "${input.reportedStatus}": check its own logs.`);
  }
  return advice.length > 0 ? advice : ['No action needed.'];
}

/** A component value: 0..100, whole numbers. */
const clamp = (value: number) => Math.round(Math.min(100, Math.max(0, value)));
