import { Module } from '@nestjs/common';
import { ApiKeyCache } from './api-key-cache';
import { ApiKeyResolver } from './api-key.resolver';
import { ApiKeyService } from './api-key.service';
import { AuthResolver } from './auth.resolver';
import { AuthService } from './auth.service';
import { AuthenticationService } from './authentication.service';
import { PasswordService } from './password.service';
import { TokenService } from './token.service';

@Module({
  providers: [ApiKeyCache, ApiKeyResolver, ApiKeyService, AuthResolver, AuthService, AuthenticationService, PasswordService, TokenService],
  exports: [AuthenticationService, PasswordService],
})
export class AuthModule {}
