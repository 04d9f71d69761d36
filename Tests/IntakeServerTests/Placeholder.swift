import Testing
import AsyncHTTPClient; import GRDB
