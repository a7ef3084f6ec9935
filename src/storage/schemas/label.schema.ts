import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A label is stored as {name, value}: user strings are values, never document keys. */
@Schema({ _id: false, versionKey: false })
export class LabelDoc {
  @Prop({ required: true }) name!: string;
  @Prop({ required: true }) value!: string;
}
export const LabelSchema = SchemaFactory.createForClass(LabelDoc);
