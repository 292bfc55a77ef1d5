import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseFilters } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { INQUIRY_PURPOSES } from '@app/domain';
import type { FastifyRequest } from 'fastify';
import { BankRatingsService } from '@api/bank-ratings/bank-ratings.service';
import { BankAuthenticator } from './bank-authenticator';
import { BankRatingResponse, BatchRatingItem, BatchRatingRequest, ErrorDto, toBankRatingResponse } from './dto/rating.response';
import { RestExceptionFilter } from './rest-exception.filter';


/**
 * The REST face of bank reads, for banks' core systems: the same rules, the same inquiry
 * (channel REST) and the same answer as GraphQL's bankRating. Authenticated with the bank's
 * API key (`X-Api-Key: <key>` or `Authorization: ApiKey <key>`); a bank user's bearer
 * token works too.
 */
@ApiTags('ratings')
@ApiSecurity('apiKey')
@ApiResponse({ status: 401, type: ErrorDto, description: 'no API key, or an invalid or revoked one' })
@ApiResponse({ status: 403, type: ErrorDto, description: 'not a bank, or no active consent from the company for this bank (no inquiry is recorded)' })
@Controller('v1/ratings')
@UseFilters(RestExceptionFilter)
export class RatingsController {
  constructor(
    private readonly auth: BankAuthenticator,
    private readonly ratings: BankRatingsService,
  ) {}

  @Get(':creditCode')
  @ApiOperation({
    summary: "A company's consortium-backed rating",
    description: 'Allowed only while the company has an active consent for the calling bank. Every successful call is an inquiry the company sees.',
  })
  @ApiParam({ name: 'creditCode', description: 'unified social credit code (18 characters, GB 32100-2015)', example: '91330300MA2AYBGX0A' })
  @ApiQuery({ name: 'purpose', enum: INQUIRY_PURPOSES, required: true })
  @ApiOkResponse({ type: BankRatingResponse })
  @ApiResponse({ status: 400, type: ErrorDto, description: 'an invalid credit code or purpose; `field` names it' })
  async rating(@Req() request: FastifyRequest, @Param('creditCode') creditCode: string, @Query('purpose') purpose: string): Promise<BankRatingResponse> {
    const actor = await this.auth.bank(request.headers);
    return toBankRatingResponse(await this.ratings.read(actor, creditCode, purpose, 'REST'));
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'A portfolio read: up to 500 codes, each answered or refused on its own; each answer is an inquiry' })
  @ApiBody({ type: BatchRatingRequest })
  @ApiOkResponse({ type: [BatchRatingItem] })
  @ApiResponse({ status: 400, type: ErrorDto, description: 'more than 500 codes, or an invalid purpose' })
  async batch(@Req() request: FastifyRequest, @Body() body: BatchRatingRequest): Promise<BatchRatingItem[]> {
    const actor = await this.auth.bank(request.headers);
    const outcomes = await this.ratings.readMany(actor, body?.creditCodes as string[], body?.purpose, 'REST');
    return outcomes.map((o) => ({
      creditCode: o.creditCode,
      rating: o.read ? toBankRatingResponse(o.read) : null,
      error: o.error ? { ...o.error.details, code: o.error.code, message: o.error.message } : null,
    }));
  }
}
