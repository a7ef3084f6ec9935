import { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { AppConfig } from '../config/app-config';
import { costError, operationCost } from './operation-limits';

/** Refuses operations whose estimated cost exceeds GRAPHQL_MAX_COST (list fields multiply by their page size). */
@Plugin()
export class ComplexityPlugin implements ApolloServerPlugin {
  constructor(
    private readonly schemaHost: GraphQLSchemaHost,
    private readonly config: AppConfig,
  ) {}

  requestDidStart(): Promise<GraphQLRequestListener<object>> {
    const { schema } = this.schemaHost;
    const maxCost = this.config.GRAPHQL_MAX_COST;
    return Promise.resolve({
      didResolveOperation({ request, document }) {
        let cost: number;
        try {
          cost = operationCost(schema, document, request.operationName, request.variables);
        } catch {
          // Variables that do not coerce: execution refuses them with BAD_USER_INPUT and their path.
          return Promise.resolve();
        }
        if (cost > maxCost) {
          return Promise.reject(costError(cost, maxCost));
        }
        return Promise.resolve();
      },
    });
  }
}
