import { hello } from '@mnc/config'; console.log(hello());
