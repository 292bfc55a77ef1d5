/** A small GraphQL-over-HTTP client for tests: what an outside client sends. */
export interface GraphQLErrorShape {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: { readonly code?: string; readonly field?: string; readonly [key: string]: unknown };
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly data: T | null | undefined;
  readonly errors: readonly GraphQLErrorShape[] | undefined;
}

export class GraphQLClient {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  withToken(token: string): GraphQLClient {
    return new GraphQLClient(this.baseUrl, token, this.headers);
  }

  withHeaders(headers: Record<string, string>): GraphQLClient {
    return new GraphQLClient(this.baseUrl, this.token, { ...this.headers, ...headers });
  }

  async request<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...this.headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    let body: { data?: T | null; errors?: GraphQLErrorShape[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`non-JSON answer ${response.status}: ${text.slice(0, 500)}`);
    }
    return { status: response.status, data: body.data, errors: body.errors };
  }

  /** The data of a call that must succeed; throws with the errors otherwise. */
  async ok<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const result = await this.request<T>(query, variables);
    if (result.errors?.length || !result.data) throw new Error(`expected success, got ${JSON.stringify(result.errors)}`);
    return result.data;
  }
}

/** The one error of a call that must fail. */
export function onlyError(result: GraphQLResponse<unknown>): GraphQLErrorShape {
  if (!result.errors || result.errors.length === 0) throw new Error(`expected an error, got data ${JSON.stringify(result.data)}`);
  return result.errors[0];
}
