import { Provider } from '@nestjs/common';
import { SilencesResolver } from '../silences/silences.resolver';
import { SilencesService } from '../silences/silences.service';
import { ALERT_NOTIFIER } from './alert-snapshot';
import { AlertNotifierService } from './alert-notifier.service';
import { ChannelSender } from './channel-sender';
import { ChannelsResolver } from './channels.resolver';
import { ChannelsService } from './channels.service';
import { DeliveryDispatcher } from './delivery-dispatcher';

/** Everything after an alert changes state: channels, routing, the delivery queue, silences and inhibition; ALERT_NOTIFIER for the lifecycle. */
export const NOTIFICATION_PROVIDERS: Provider[] = [
  ChannelSender,
  DeliveryDispatcher,
  AlertNotifierService,
  { provide: ALERT_NOTIFIER, useExisting: AlertNotifierService },
  ChannelsService,
  ChannelsResolver,
  SilencesService,
  SilencesResolver,
];
