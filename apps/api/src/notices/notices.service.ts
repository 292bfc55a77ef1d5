import { Injectable } from '@nestjs/common';
import { type Actor, BadInputError, Clock, NotFoundError, type Notice, parseId, parsePage, toCalendarDate } from '@app/domain';
import { AuditLogRepository, CompanyRepository, NoticeRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import type { PolicyTarget } from '@api/policy/policy';
import { PolicyService } from '@api/policy/policy.service';

export const MAX_NOTICES = 200;

/**
 * Notices: a company lists and acknowledges what was filed against it before it counts
 * (Art. 15); a coordinator lists its disputes' alerts and the invoice mismatches. A company's
 * notice is its own to acknowledge; its coordinator may read it.
 */
@Injectable()
export class NoticesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly notices: NoticeRepository,
    private readonly companies: CompanyRepository,
    private readonly audit: AuditLogRepository,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  async list(
    actor: Actor,
    args: { companyId?: string | null; consortiumId?: string | null; unacknowledgedOnly: boolean; limit: number; offset: number },
  ): Promise<Notice[]> {
    this.policy.assertRole(actor, 'notice.read');
    const page = parsePage(args, MAX_NOTICES);
    if ((args.companyId ? 1 : 0) + (args.consortiumId ? 1 : 0) !== 1) {
      throw new BadInputError('companyId', "give companyId (a company's notices) or consortiumId (its coordinator's), one of them");
    }
    const db = this.dataSource.manager;
    // negative information past its 5 years shows to auditors only, and so do the notices that name it
    const expiredBy = this.policy.can(actor, 'record.readExpired') ? null : toCalendarDate(this.clock.now());
    if (args.companyId) {
      const company = await this.companies.findById(db, parseId('companyId', args.companyId));
      if (!company) throw new NotFoundError('No such company', { field: 'companyId' });
      this.policy.assert(actor, 'notice.read', { companyId: company.id, consortiumId: company.consortiumId });
      return this.notices.list(db, company.consortiumId, company.id, args.unacknowledgedOnly, page.limit, page.offset, expiredBy);
    }
    const consortiumId = parseId('consortiumId', args.consortiumId);
    this.policy.assert(actor, 'notice.read', { consortiumId });
    return this.notices.list(db, consortiumId, null, args.unacknowledgedOnly, page.limit, page.offset, expiredBy);
  }

  /** A company's member acknowledges its company's notice; a coordinator its own. */
  async acknowledge(actor: Actor, idInput: string): Promise<Notice> {
    this.policy.assertRole(actor, 'notice.acknowledge');
    const id = parseId('id', idInput);
    return this.dataSource.transaction(async (tx) => {
      const notice = await this.notices.findById(tx, id);
      if (!notice) throw new NotFoundError('No such notice', { field: 'id' });
      // a company's notice is addressed to the company alone: its coordinator does not acknowledge for it
      const target: PolicyTarget = notice.companyId ? { companyId: notice.companyId } : { consortiumId: notice.consortiumId };
      this.policy.assert(actor, 'notice.acknowledge', target);
      if (notice.acknowledgedAt) return notice;
      const now = this.clock.now();
      const acknowledged = await this.notices.acknowledge(tx, id, actor.id, now);
      // acknowledged meanwhile by another member: that acknowledgement stands, audited once
      if (!acknowledged) return (await this.notices.findById(tx, id)) ?? notice;
      await this.audit.append(
        tx,
        [{ action: 'notice.acknowledged', actorId: actor.id, consortiumId: notice.consortiumId, companyId: notice.companyId, details: { noticeId: id, kind: notice.kind } }],
        now,
      );
      return acknowledged;
    });
  }
}
