import { Injectable } from '@nestjs/common';
import { type Actor, UnauthenticatedError } from '@app/domain';
import { AuthenticationService } from '@api/auth/authentication.service';

/** Who calls the REST face: the same credentials as GraphQL, UNAUTHENTICATED without them. */
@Injectable()
export class BankAuthenticator {
  constructor(private readonly authentication: AuthenticationService) {}

  async bank(headers: Readonly<Record<string, string | string[] | undefined>>): Promise<Actor> {
    const { actor, error } = await this.authentication.authenticate(headers);
    if (actor) return actor;
    throw error ?? new UnauthenticatedError('Send the bank\'s API key: "X-Api-Key: <key>" or "Authorization: ApiKey <key>"');
  }
}
