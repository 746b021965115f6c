export { signReadings, takeReadings } from './intake.ts';
export { startSensorMqtt } from './mqtt.ts';
export { ensureReadingPartitions } from './partitions.ts';
export { runSilenceSweep, SENSOR_SYSTEM_USERNAME } from './rule-cases.ts';
export { sensorIntakeRoutes, sensorsRoutes } from './sensors.routes.ts';
export type { SensorsTables } from './sensors.tables.ts';
