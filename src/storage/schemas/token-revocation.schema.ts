import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** One entry of the token revocation list: a token (by `jti`) or every token of a subject, until `until` or for good. */
@Schema({ collection: 'token_revocations', versionKey: false })
export class TokenRevocationDoc {
  /** `jti:<jti>` or `sub:<subject>`: revoking the same again replaces the entry. */
  @Prop({ type: String, required: true }) _id!: string;
  @Prop() jti?: string;
  @Prop() subject?: string;
  @Prop({ required: true }) reason!: string;
  /** The admin's token subject. */
  @Prop({ required: true }) revokedBy!: string;
  @Prop({ required: true }) revokedAt!: Date;
  @Prop() until?: Date;
}
export const TokenRevocationSchema = SchemaFactory.createForClass(TokenRevocationDoc);
TokenRevocationSchema.index({ until: 1 });
