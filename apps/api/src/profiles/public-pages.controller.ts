import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type PublicAnswer, PublicPagesService } from './public-pages.service';

/** The public credit profile: GET /p/<slug> (HTML) and GET /p/<slug>/badge.svg. No login. */
@Controller('p')
export class PublicPagesController {
  constructor(private readonly pages: PublicPagesService) {}

  @Get(':slug')
  async page(@Param('slug') slug: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return send(reply, await this.pages.answer('page', slug, request.ip, ifNoneMatch(request)));
  }

  @Get(':slug/badge.svg')
  async badge(@Param('slug') slug: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return send(reply, await this.pages.answer('badge', slug, request.ip, ifNoneMatch(request)));
  }
}

function ifNoneMatch(request: FastifyRequest): string | undefined {
  const value = request.headers['if-none-match'];
  return typeof value === 'string' ? value : undefined;
}

function send(reply: FastifyReply, answer: PublicAnswer): string {
  void reply.status(answer.status).headers(answer.headers);
  return answer.body;
}
