// The second major under test, installed as an npm alias; it has the API of the typed one.
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
