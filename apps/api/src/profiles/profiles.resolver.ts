import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor, PublicProfileField } from '@app/domain';
import { CurrentActor } from '@api/common/current-actor.decorator';
import { PublicProfileFieldsInput, PublishPublicProfileInput } from './dto/public-profile.inputs';
import {
  PublicProfileFieldEnum,
  PublicProfileSettingsModel,
  PublicProfileViewModel,
  toPublicProfileSettingsModel,
  toPublicProfileViewModel,
} from './models/public-profile.model';
import { ProfilesService } from './profiles.service';

@Resolver()
export class ProfilesResolver {
  constructor(private readonly profiles: ProfilesService) {}

  @Query(() => PublicProfileSettingsModel, { description: "the company's public profile settings; its MEMBERs, its COORDINATOR, ADMIN" })
  async publicProfile(@CurrentActor() actor: Actor, @Args('companyId', { type: () => ID }) companyId: string): Promise<PublicProfileSettingsModel> {
    return toPublicProfileSettingsModel(await this.profiles.settings(actor, companyId), this.profiles.baseUrl);
  }

  @Query(() => PublicProfileViewModel, {
    description: 'exactly what the public sees (or would see once published), with the current choice of fields or with `fields` to try another',
  })
  async publicProfilePreview(
    @CurrentActor() actor: Actor,
    @Args('companyId', { type: () => ID }) companyId: string,
    @Args('fields', { type: () => [PublicProfileFieldEnum], nullable: true }) fields?: PublicProfileField[] | null,
  ): Promise<PublicProfileViewModel> {
    const { view, html } = await this.profiles.preview(actor, companyId, fields);
    return toPublicProfileViewModel(view, html, this.profiles.baseUrl);
  }

  @Mutation(() => PublicProfileSettingsModel, { description: "MEMBER, for its own company: publish (again) at /p/<slug>; effective at once" })
  async publishPublicProfile(@CurrentActor() actor: Actor, @Args('input') input: PublishPublicProfileInput): Promise<PublicProfileSettingsModel> {
    return toPublicProfileSettingsModel(await this.profiles.publish(actor, input), this.profiles.baseUrl);
  }

  @Mutation(() => PublicProfileSettingsModel, { description: 'MEMBER, for its own company: choose what the profile shows; effective at once' })
  async setPublicProfileFields(@CurrentActor() actor: Actor, @Args('input') input: PublicProfileFieldsInput): Promise<PublicProfileSettingsModel> {
    return toPublicProfileSettingsModel(await this.profiles.setFields(actor, input), this.profiles.baseUrl);
  }

  @Mutation(() => PublicProfileSettingsModel, { description: 'MEMBER, for its own company: the page and badge answer 404 at once; the slug stays reserved' })
  async unpublishPublicProfile(@CurrentActor() actor: Actor, @Args('companyId', { type: () => ID }) companyId: string): Promise<PublicProfileSettingsModel> {
    return toPublicProfileSettingsModel(await this.profiles.unpublish(actor, companyId), this.profiles.baseUrl);
  }
}
