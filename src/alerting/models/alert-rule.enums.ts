import { registerEnumType } from '@nestjs/graphql';

// The rule vocabulary of API.md ("Alerting"), registered for GraphQL; the evaluator takes the same strings.

export enum AlertRuleKind {
  THRESHOLD = 'THRESHOLD',
  TREND = 'TREND',
  ANOMALY = 'ANOMALY',
  ABSENCE = 'ABSENCE',
  AGENT_STATUS = 'AGENT_STATUS',
}
registerEnumType(AlertRuleKind, { name: 'AlertRuleKind' });

export enum ComparisonOperator {
  GT = 'GT',
  GTE = 'GTE',
  LT = 'LT',
  LTE = 'LTE',
  EQ = 'EQ',
  NEQ = 'NEQ',
}
registerEnumType(ComparisonOperator, { name: 'ComparisonOperator' });

export enum AnomalyMethod {
  ROBUST_Z = 'ROBUST_Z',
  EWMA = 'EWMA',
  SEASONAL = 'SEASONAL',
}
registerEnumType(AnomalyMethod, { name: 'AnomalyMethod' });

export enum AnomalyDirection {
  BOTH = 'BOTH',
  UP = 'UP',
  DOWN = 'DOWN',
}
registerEnumType(AnomalyDirection, { name: 'AnomalyDirection' });
