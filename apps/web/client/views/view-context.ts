import type { GraphQLClient } from '../graphql-client.js';
import type { Me } from '../operations.js';

/** What every page gets: the client and the signed-in user. */
export interface ViewContext {
  readonly client: GraphQLClient;
  readonly me: Me;
}

/** In-page navigation: links to the page's sections. */
export interface PageSection {
  readonly id: string;
  readonly label: string;
}
